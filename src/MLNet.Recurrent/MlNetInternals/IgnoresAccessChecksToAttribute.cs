namespace System.Runtime.CompilerServices;

/// <summary>
/// Tells the runtime to let this assembly reach non-public members of the named assembly. The runtime
/// looks the attribute up by name, so the library declares it itself. The C# compiler ignores it; the
/// build compiles against publicized references instead (build/Publicize.targets).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The simple name of the assembly whose access checks are skipped.</summary>
    public string AssemblyName { get; } = assemblyName;
}
