namespace MLNet.Recurrent.MlNetInternals;

/// <summary>The annotation kinds ML.NET's evaluators and key mappers look for.</summary>
internal static class AnnotationNames
{
    /// <summary>Names of a vector's slots (on a score vector: the class names).</summary>
    public const string SlotNames = "SlotNames";

    /// <summary>The values a key column's keys stand for.</summary>
    public const string KeyValues = "KeyValues";
}
