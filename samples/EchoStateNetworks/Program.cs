// Echo state networks: Mackey-Glass one step ahead and free running, the sensor network's humidity and temperature
// forecast k readings ahead per mote, and (with options) fit time and memory, and ESN initialization of trained RNNs.
//   dotnet run -c Release --project samples/EchoStateNetworks                 Mackey-Glass, sensors, one fit timing line
//   dotnet run -c Release --project samples/EchoStateNetworks -- --timing     fit time and memory, 100-1,000 units on 10^5 steps
//                                                                            (--timing 300,1000 5: those sizes, 5 rounds)
//   dotnet run -c Release --project samples/EchoStateNetworks -- --init       ESN vs orthogonal initialization on the 50-step recall task
//   dotnet run -c Release --project samples/EchoStateNetworks -- --init-char  the same on a character LSTM (200 KB of Austen)
using EchoStateNetworksSample;

string outputDirectory = Path.GetFullPath("esn-output");
Directory.CreateDirectory(outputDirectory);
if (args.Contains("--timing"))
{
    // --timing [sizes, comma-separated] [rounds]
    string[] rest = args.SkipWhile(a => a != "--timing").Skip(1).ToArray();
    FitTiming.Run(rest.Length > 0 ? rest[0].Split(',').Select(int.Parse).ToArray() : [], rest.Length > 1 ? int.Parse(rest[1]) : 3);
    return 0;
}
if (args.Contains("--init-char"))
{
    InitializationComparison.RunCharacterModel();
    return 0;
}
if (args.Contains("--init"))
{
    InitializationComparison.Run();
    return 0;
}
if (args.Length > 0)
{
    Console.Error.WriteLine($"unknown argument '{args[0]}'; usage: EchoStateNetworks [--timing | --init | --init-char]");
    return 2;
}
MackeyGlassDemo.Run(outputDirectory);
Console.WriteLine();
SensorDemo.Run(Path.Combine(AppContext.BaseDirectory, "data", "single_hop.csv"));
Console.WriteLine();
FitTiming.RunOnce();
return 0;
