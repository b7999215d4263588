// Inline MSBuild task (RoslynCodeTaskFactory, compiled against netstandard2.0) used by Publicize.targets.
// It writes a copy of each input assembly in which every type and member is visible:
//   types -> public; private and internal members -> public;
//   private protected and protected internal -> protected (so overrides stay `protected override`).
// Only compile-time references are built from these copies; they never reach an output folder.
using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PublicizeAssemblies : Task
{
    [Required] public ITaskItem[] Assemblies { get; set; }

    [Required] public string CecilPath { get; set; }

    public override bool Execute()
    {
        if (!File.Exists(CecilPath))
        {
            Log.LogError("Mono.Cecil was not found at '{0}'; the PackageDownload of Mono.Cecil should have restored it.", CecilPath);
            return false;
        }

        // The task assembly is compiled in memory; point the loader at the downloaded Cecil.
        ResolveEventHandler resolve = (sender, args) =>
            new AssemblyName(args.Name).Name == "Mono.Cecil" ? Assembly.LoadFrom(CecilPath) : null;
        AppDomain.CurrentDomain.AssemblyResolve += resolve;
        try
        {
            foreach (ITaskItem item in Assemblies)
            {
                string source = item.GetMetadata("FullPath");
                string target = Path.GetFullPath(item.GetMetadata("PublicizedPath"));
                int count = Publicize(source, target);
                Log.LogMessage(MessageImportance.Normal, "Publicized {0} members of {1} -> {2}", count, source, target);
            }
            return !Log.HasLoggedErrors;
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyResolve -= resolve;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Publicize(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target));
        // A unique temporary file, then a move: a reader (or a parallel build) never sees half a file.
        string temp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        int count;
        using (var resolver = new Mono.Cecil.DefaultAssemblyResolver())
        {
            resolver.AddSearchDirectory(Path.GetDirectoryName(source));
            var parameters = new Mono.Cecil.ReaderParameters { AssemblyResolver = resolver, ReadingMode = Mono.Cecil.ReadingMode.Immediate, InMemory = true };
            using (var assembly = Mono.Cecil.AssemblyDefinition.ReadAssembly(source, parameters))
            {
                count = 0;
                foreach (var module in assembly.Modules)
                    foreach (var type in module.Types)
                        count += PublicizeType(type);
                assembly.Write(temp);
            }
        }

        try
        {
            if (File.Exists(target))
                File.Replace(temp, target, null);
            else
                File.Move(temp, target);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Another build wrote the same file first; both copies are identical.
            File.Delete(temp);
        }
        return count;
    }

    private static int PublicizeType(Mono.Cecil.TypeDefinition type)
    {
        int count = 0;
        if (type.IsNested ? !type.IsNestedPublic : !type.IsPublic)
        {
            if (type.IsNested) type.IsNestedPublic = true; else type.IsPublic = true;
            count++;
        }

        var eventNames = new System.Collections.Generic.HashSet<string>();
        foreach (var e in type.Events) eventNames.Add(e.Name);

        foreach (var method in type.Methods)
        {
            if (method.IsPublic || method.IsFamily) continue;
            if (method.IsFamilyAndAssembly || method.IsFamilyOrAssembly) method.IsFamily = true;
            else method.IsPublic = true;
            count++;
        }

        foreach (var field in type.Fields)
        {
            // A field-like event's backing field has the event's name; exposing both would make uses ambiguous.
            if (field.IsPublic || field.IsFamily || eventNames.Contains(field.Name)) continue;
            if (field.IsFamilyAndAssembly || field.IsFamilyOrAssembly) field.IsFamily = true;
            else field.IsPublic = true;
            count++;
        }

        foreach (var nested in type.NestedTypes)
            count += PublicizeType(nested);
        return count;
    }
}
