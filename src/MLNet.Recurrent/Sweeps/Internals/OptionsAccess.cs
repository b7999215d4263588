using System.Reflection;

namespace MLNet.Recurrent.Sweeps.Internals;

/// <summary>Copies options objects and sets their properties by name.</summary>
internal static class OptionsAccess
{
    private static readonly MethodInfo s_memberwiseClone =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;

    /// <summary>A shallow copy of <paramref name="options"/>, so a trial's changes never reach the caller's object.</summary>
    public static T Clone<T>(T options) where T : class => (T)s_memberwiseClone.Invoke(options, null)!;

    /// <summary>Sets <paramref name="property"/> on <paramref name="options"/>, letting the setter's own exception through unwrapped.</summary>
    public static void Set(object options, PropertyInfo property, object value)
    {
        try
        {
            property.SetValue(options, value);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }
}
