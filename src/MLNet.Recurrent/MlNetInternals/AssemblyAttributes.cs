using System.Runtime.CompilerServices;

// Without these the runtime refuses our overrides of ML.NET's `private protected` members
// (TypeLoadException: "... is overriding a method that is not visible").
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]
