using Geneva.Core.Execution.Workers;
using Geneva.Core.Udfs;
using Geneva.Torch;

// Worker process for model UDFs: Geneva.Worker plus TorchSharp. Started by TorchWorkerLauncher,
// on a private glibc/libstdc++ where the system's is too old for libtorch. Usage: [--instances N]
UdfRegistry.Register(new TorchModelUdfFactory());
return WorkerHost.RunConsole(args);
