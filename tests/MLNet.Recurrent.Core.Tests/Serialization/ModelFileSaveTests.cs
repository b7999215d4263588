using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Tests.Serialization;

/// <summary>Saving replaces the file atomically, so a write that dies halfway leaves the previous file (checkpoint) loadable.</summary>
public sealed class ModelFileSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-recurrent-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ModelFile Numbered(int n)
    {
        var file = new ModelFile();
        file.Configuration.Set("n", n);
        file.AddParameter(new NamedTensor("w", [1000], Enumerable.Range(0, 1000).Select(i => (float)(i * n)).ToArray()));
        return file;
    }

    [Fact]
    public void Save_replaces_the_file_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_folder, "model.bin");
        Numbered(1).Save(path);
        Numbered(2).Save(path);
        Assert.Equal(2, ModelFile.Load(path).Configuration.GetInt32("n"));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_write_that_fails_halfway_leaves_the_previous_file_loadable_and_no_temporary_file()
    {
        string path = Path.Combine(_folder, "checkpoint.bin");
        Numbered(1).Save(path);
        using var next = new MemoryStream();
        Numbered(2).Write(next);

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(next.GetBuffer(), 0, (int)next.Length / 2);
            throw new IOException("the disk is full");
        }));

        Assert.Equal("the disk is full", e.Message);
        ModelFile loaded = ModelFile.Load(path);
        Assert.Equal(1, loaded.Configuration.GetInt32("n"));
        Assert.Equal(Numbered(1).Parameters[0].Data, loaded.Parameters[0].Data);
        Assert.Equal([path], Directory.GetFiles(_folder));
    }
}
