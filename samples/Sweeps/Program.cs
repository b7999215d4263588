// Hyper-parameter sweeps with MLNet.Recurrent's SweepExperiment (AutoML's experiment shape, no AutoML dependency):
// the sequence classifier on the UCI sentences and the character language model on Jane Austen, each with successive
// halving over its training length, within a share of one time budget. Prints each sweep's trial table as trials
// finish, the best trial and its options, and saves the best models.
using System.Globalization;
using SweepsSample;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Arguments a;
try
{
    a = Arguments.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Arguments.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop the sweep in flight, keep its best trial
    cancel.Cancel();
};

uint classifierSeconds = a.Only switch { "classifier" => a.BudgetSeconds, "charlm" => 0, _ => a.BudgetSeconds * 3 / 5 };
uint languageModelSeconds = a.BudgetSeconds - classifierSeconds;
Console.WriteLine($"time budget {a.BudgetSeconds} s: {classifierSeconds} s for the classifier, {languageModelSeconds} s for the character model. " +
                  "Trials run one at a time, each using every core.\n");
if (classifierSeconds > 0) await ClassifierSweep.RunAsync(a, classifierSeconds, cancel.Token);
if (languageModelSeconds > 0 && !cancel.IsCancellationRequested) await LanguageModelSweep.RunAsync(a, languageModelSeconds, cancel.Token);
return 0;
