using Microsoft.ML;
using Mono.Cecil;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Tests.MlNetInternals;

/// <summary>
/// Fails loudly, naming what moved, when an ML.NET upgrade removes or changes an internal member the library
/// was compiled against (it was compiled against publicized copies, so the compiler cannot warn). Every type
/// and member MLNet.Recurrent.dll references in Microsoft.ML.* must resolve in the assemblies it runs with,
/// and every ML.NET method it overrides must still exist with the same signature.
/// </summary>
public sealed class MlNetInternalsGuardTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_MlNet_member_the_library_uses_still_exists()
    {
        using ModuleDefinition library = ReadLibrary(out DefaultAssemblyResolver _);
        var missing = new List<string>();
        var nonPublic = new SortedSet<string>();

        foreach (TypeReference type in library.GetTypeReferences().Where(IsMlNet))
        {
            TypeDefinition? resolved = Try(type.Resolve);
            if (resolved is null) missing.Add($"type {type.FullName} (from {type.Scope.Name})");
            else if (!IsVisible(resolved)) nonPublic.Add($"type {type.FullName}");
        }
        foreach (MemberReference member in library.GetMemberReferences().Where(m => IsMlNet(m.DeclaringType)))
        {
            IMemberDefinition? resolved = member switch
            {
                MethodReference m => Try(m.Resolve),
                FieldReference f => Try(f.Resolve),
                _ => null,
            };
            if (resolved is null) missing.Add($"{member.FullName} (from {member.DeclaringType.Scope.Name})");
            else if (resolved is MethodDefinition { IsPublic: false } or FieldDefinition { IsPublic: false } || !IsVisible(resolved.DeclaringType))
                nonPublic.Add(member.FullName);
        }

        output.WriteLine($"Non-public ML.NET members the library relies on ({nonPublic.Count}):");
        foreach (string m in nonPublic) output.WriteLine("  " + m);
        Assert.True(missing.Count == 0,
            $"ML.NET {MlNetVersion} no longer has {missing.Count} member(s) MLNet.Recurrent was compiled against; " +
            $"update src/MLNet.Recurrent/MlNetInternals:\n  " + string.Join("\n  ", missing));
        Assert.NotEmpty(nonPublic); // the scan sees the internals (ModelSaveContext.Writer and the like)
    }

    [Fact]
    public void Every_MlNet_method_the_library_overrides_still_exists()
    {
        using ModuleDefinition library = ReadLibrary(out DefaultAssemblyResolver _);
        var moved = new List<string>();
        int checkedOverrides = 0;
        foreach (TypeDefinition type in library.GetTypes())
        {
            List<TypeDefinition> mlNetBases = [];
            for (TypeReference? b = type.BaseType; b is not null; b = Try(b.Resolve)?.BaseType)
                if (IsMlNet(b) && Try(b.Resolve) is { } def) mlNetBases.Add(def);
            if (mlNetBases.Count == 0) continue;
            foreach (MethodDefinition method in type.Methods.Where(m => m.IsVirtual && m.IsReuseSlot && !m.HasOverrides))
            {
                bool found = mlNetBases.Any(b => b.Methods.Any(bm => bm.IsVirtual && bm.Name == method.Name &&
                    bm.Parameters.Select(p => p.ParameterType.FullName).SequenceEqual(method.Parameters.Select(p => p.ParameterType.FullName)) &&
                    bm.ReturnType.FullName == method.ReturnType.FullName));
                bool fromOurBase = Try(type.BaseType.Resolve) is { } direct && !IsMlNet(type.BaseType) &&
                    direct.Methods.Any(bm => bm.IsVirtual && bm.Name == method.Name);
                if (!found && !fromOurBase && method.Name is not ("ToString" or "Equals" or "GetHashCode"))
                    moved.Add($"{type.FullName}.{method.Name} overrides nothing in {string.Join(", ", mlNetBases.Select(b => b.FullName))}");
                if (found) checkedOverrides++;
            }
        }
        output.WriteLine($"{checkedOverrides} overrides of ML.NET methods checked.");
        Assert.True(moved.Count == 0, $"ML.NET {MlNetVersion} changed methods the library overrides:\n  " + string.Join("\n  ", moved));
        Assert.True(checkedOverrides >= 6, $"only {checkedOverrides} overrides found; the scan is not looking where it should");
    }

    private static string MlNetVersion => MlNetVersionTests.InformationalVersion(typeof(MLContext).Assembly); // assembly versions are all 1.0.0.0

    private static ModuleDefinition ReadLibrary(out DefaultAssemblyResolver resolver)
    {
        resolver = new DefaultAssemblyResolver();
        // Resolve against the ML.NET assemblies this test runs with, i.e. the real ones.
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(MLContext).Assembly.Location)!);
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        string path = typeof(RecurrentCatalog).Assembly.Location;
        return ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = resolver });
    }

    private static bool IsMlNet(TypeReference? type)
    {
        for (TypeReference? t = type; t is not null; t = t.DeclaringType)
        {
            if (t is GenericInstanceType g) return IsMlNet(g.ElementType);
            if (t.Scope is AssemblyNameReference a) return a.Name.StartsWith("Microsoft.ML", StringComparison.Ordinal);
            if (t.DeclaringType is null) return false;
        }
        return false;
    }

    private static bool IsVisible(TypeDefinition type) =>
        type.IsNested ? (type.IsNestedPublic || type.IsNestedFamily) && IsVisible(type.DeclaringType) : type.IsPublic;

    private static T? Try<T>(Func<T> resolve) where T : class
    {
        try { return resolve(); }
        catch (AssemblyResolutionException) { return null; }
    }
}
