import Foundation
import IsthmusCLI

// libgomp (oneDNN's thread pool) reads its settings once, before main runs. Its default keeps idle workers
// spinning for a long time, which collapses throughput when other processes share the cores; a short spin
// keeps back-to-back ops fast without that. Re-executing is the only way to set it for this process.
if getenv("GOMP_SPINCOUNT") == nil && getenv("OMP_WAIT_POLICY") == nil {
    setenv("GOMP_SPINCOUNT", "20000", 1)
    var argv = CommandLine.unsafeArgv
    execv("/proc/self/exe", argv)
    _ = argv   // execv only returns on failure: carry on with the defaults
}

exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
