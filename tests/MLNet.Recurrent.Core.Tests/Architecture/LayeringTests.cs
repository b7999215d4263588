using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Tests.Architecture;

/// <summary>
/// The engine's folders form a house: each folder may use only the folders listed before it in
/// <see cref="Floors"/> (and the cross-cutting <c>Internals</c>). This list is the single statement of the
/// allowed direction; the test reads every type reference in the compiled engine (signatures, fields,
/// attributes, generic arguments and method bodies) and fails on any reference that points up.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    /// <summary>Ground floor first.</summary>
    internal static readonly string[] Floors =
    [
        "Numerics", "Parameters", "Serialization", "Layers", "Text", "Evaluation", "Decoding",
        "Interpretability", "Training", "Reservoir", "Models",
    ];

    private const string Root = "MLNet.Recurrent.Core";

    [Fact]
    public void No_folder_of_the_engine_references_a_folder_above_it()
    {
        var violations = FindUpwardReferences(typeof(Core.Numerics.Tensor).Assembly.Location);
        foreach (string v in violations.Take(40)) output.WriteLine(v);
        Assert.True(violations.Count == 0,
            $"{violations.Count} upward references (a folder may use only the folders before it: {string.Join(" < ", Floors)}):\n" +
            string.Join("\n", violations.Take(40)));
    }

    [Fact]
    public void Every_folder_of_the_engine_is_on_a_floor()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Core.Numerics.Tensor).Assembly.Location);
        var unplaced = module.Types.Where(t => t.Namespace.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(t => FloorName(t.Namespace)!).Where(f => f != "Internals" && Array.IndexOf(Floors, f) < 0)
            .Distinct().ToList();
        Assert.True(unplaced.Count == 0, $"folders without a floor: {string.Join(", ", unplaced)}; add them to LayeringTests.Floors");
    }

    [Fact]
    public void The_check_catches_an_upward_reference()
    {
        // Numerics (the ground floor) using a Models type must be reported: the rule is not vacuous.
        Assert.False(IsAllowed("Numerics", "Models"));
        Assert.False(IsAllowed("Layers", "Training"));
        Assert.True(IsAllowed("Models", "Training"));
        Assert.True(IsAllowed("Layers", "Internals"));
        Assert.True(IsAllowed("Layers", "Layers"));
    }

    internal static List<string> FindUpwardReferences(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (TypeDefinition type in AllTypes(module.Types))
        {
            string? from = FloorName(OuterNamespace(type));
            if (from is null) continue;
            foreach (TypeReference used in ReferencedTypes(type))
            {
                string? to = FloorName(OuterNamespace(used));
                if (to is null || IsAllowed(from, to)) continue;
                violations.Add($"{from} -> {to}: {type.FullName} uses {used.FullName}");
            }
        }
        return [.. violations];
    }

    private static bool IsAllowed(string from, string to)
    {
        if (from == to || to == "Internals" || from == "Internals") return true;
        int a = Array.IndexOf(Floors, from), b = Array.IndexOf(Floors, to);
        return a >= 0 && b >= 0 && b < a;
    }

    private static string? FloorName(string ns)
    {
        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        string rest = ns[(Root.Length + 1)..];
        int dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static string OuterNamespace(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Namespace;
    }

    private static IEnumerable<TypeDefinition> AllTypes(IEnumerable<TypeDefinition> types)
    {
        foreach (var t in types)
        {
            yield return t;
            foreach (var nested in AllTypes(t.NestedTypes)) yield return nested;
        }
    }

    private static IEnumerable<TypeReference> ReferencedTypes(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            if (t is null) return;
            switch (t)
            {
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments) Add(a);
                    return;
                case TypeSpecification s:
                    Add(s.ElementType);
                    return;
                case GenericParameter:
                    return;
            }
            found.Add(t);
        }
        void AddAttributes(ICustomAttributeProvider p)
        {
            foreach (var a in p.CustomAttributes) Add(a.AttributeType);
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (var p in m.Parameters) Add(p.ParameterType);
            if (m is GenericInstanceMethod gm) foreach (var a in gm.GenericArguments) Add(a);
        }

        Add(type.BaseType);
        foreach (var i in type.Interfaces) Add(i.InterfaceType);
        AddAttributes(type);
        foreach (var f in type.Fields) { Add(f.FieldType); AddAttributes(f); }
        foreach (var p in type.Properties) { Add(p.PropertyType); AddAttributes(p); }
        foreach (var e in type.Events) Add(e.EventType);
        foreach (var m in type.Methods)
        {
            AddMethod(m);
            AddAttributes(m);
            foreach (var gp in m.GenericParameters) foreach (var c in gp.Constraints) Add(c.ConstraintType);
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) Add(v.VariableType);
            foreach (Instruction ins in m.Body.Instructions)
            {
                switch (ins.Operand)
                {
                    case TypeReference t: Add(t); break;
                    case MethodReference mr: AddMethod(mr); break;
                    case FieldReference fr: Add(fr.DeclaringType); Add(fr.FieldType); break;
                }
            }
        }
        foreach (var gp in type.GenericParameters) foreach (var c in gp.Constraints) Add(c.ConstraintType);
        return found;
    }
}
