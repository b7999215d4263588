using Microsoft.ML;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests;

public sealed class RecurrentCatalogTests
{
    [Fact]
    public void Property_and_method_forms_build_the_same_component()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = FrameData.ToDataView(ml, FrameData.Make(10, 2, seed: 8), FrameData.FramesType(2));
        var viaProperty = ml.Transforms.Recurrent.NormalizeFrames("N", "Features").Fit(data);
        var viaMethod = ml.Transforms.Recurrent().NormalizeFrames("N", "Features").Fit(data);
        Assert.Equal(viaProperty.Mean, viaMethod.Mean);
        Assert.Equal(viaProperty.StandardDeviation, viaMethod.StandardDeviation);
        Assert.NotEqual(0f, viaProperty.Mean[1]);
    }
}
