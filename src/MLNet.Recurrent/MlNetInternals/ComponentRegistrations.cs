using Microsoft.ML;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.MlNetInternals;
using MLNet.Recurrent.Preprocessing;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.SequenceLabeling;

// One line per transformer: lets plain MLContext.Model.Load find the loader by the signature recorded in the
// model zip (ML.NET scans these attributes when it loads this assembly). Loader signatures must be unique
// across ML.NET.

[assembly: LoadableClass(typeof(FrameNormalizingTransformer), typeof(ModelLoader<FrameNormalizingTransformer>), null,
    typeof(SignatureLoadModel), "Frame normalizer", FrameNormalizingTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(SequenceClassificationTransformer), typeof(ModelLoader<SequenceClassificationTransformer>), null,
    typeof(SignatureLoadModel), "Sequence classifier", SequenceClassificationTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(CharLanguageModelTransformer), typeof(ModelLoader<CharLanguageModelTransformer>), null,
    typeof(SignatureLoadModel), "Character language model", CharLanguageModelTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(MLNet.Recurrent.EchoState.EchoStateForecastTransformer), typeof(ModelLoader<MLNet.Recurrent.EchoState.EchoStateForecastTransformer>), null,
    typeof(SignatureLoadModel), "Echo state forecaster", MLNet.Recurrent.EchoState.EchoStateForecastTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(MLNet.Recurrent.EchoState.EchoStateClassificationTransformer), typeof(ModelLoader<MLNet.Recurrent.EchoState.EchoStateClassificationTransformer>), null,
    typeof(SignatureLoadModel), "Echo state sequence classifier", MLNet.Recurrent.EchoState.EchoStateClassificationTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(SequenceLabelingTransformer), typeof(ModelLoader<SequenceLabelingTransformer>), null,
    typeof(SignatureLoadModel), "Sequence labeler", SequenceLabelingTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(MLNet.Recurrent.Translation.Seq2SeqTranslatorTransformer), typeof(ModelLoader<MLNet.Recurrent.Translation.Seq2SeqTranslatorTransformer>), null,
    typeof(SignatureLoadModel), "Seq2seq translator", MLNet.Recurrent.Translation.Seq2SeqTranslatorTransformer.LoaderSignature)]

[assembly: LoadableClass(typeof(MLNet.Recurrent.Translation.ConditionedTextGeneratorTransformer), typeof(ModelLoader<MLNet.Recurrent.Translation.ConditionedTextGeneratorTransformer>), null,
    typeof(SignatureLoadModel), "Conditioned text generator", MLNet.Recurrent.Translation.ConditionedTextGeneratorTransformer.LoaderSignature)]
