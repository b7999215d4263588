namespace MLNet.Recurrent.Core.Serialization;

/// <summary>The type of a value in a <see cref="ConfigurationMap"/>; the numbers are written to model files and never change.</summary>
public enum ConfigurationValueKind : byte
{
    /// <summary>A UTF-8 string.</summary>
    String = 1,

    /// <summary>A 32-bit signed integer.</summary>
    Int32 = 2,

    /// <summary>A 64-bit signed integer.</summary>
    Int64 = 3,

    /// <summary>A 32-bit float.</summary>
    Single = 4,

    /// <summary>A 64-bit float.</summary>
    Double = 5,

    /// <summary>True or false.</summary>
    Boolean = 6,

    /// <summary>An array of 32-bit signed integers.</summary>
    Int32Array = 7,

    /// <summary>An array of 64-bit signed integers.</summary>
    Int64Array = 8,

    /// <summary>An array of 32-bit floats.</summary>
    SingleArray = 9,

    /// <summary>An array of strings.</summary>
    StringArray = 10,
}
