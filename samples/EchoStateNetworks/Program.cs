// Echo state networks: Mackey-Glass one step ahead and free running, the sensor network's humidity and temperature
// forecast k readings ahead per mote, and (with options) fit time and memory, and ESN initialization of trained RNNs.
//   dotnet run -c Release --project samples/EchoStateNetworks                 Mackey-Glass, sensors, one fit timing line
//   dotnet run -c Release --project samples/EchoStateNetworks -- --timing     fit time and memory, 100-1,000 units on 10^5 steps
//   dotnet run -c Release --project samples/EchoStateNetworks -- --init       ESN vs orthogonal initialization on the 50-step recall task
//   dotnet run -c Release --project samples/EchoStateNetworks -- --init-char  the same on a character LSTM (200 KB of Austen)
using EchoStateNetworksSample;

string outputDirectory = Path.GetFullPath("esn-output");
Directory.CreateDirectory(outputDirectory);
if (args.Contains("--timing"))
{
    FitTiming.Run();
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
