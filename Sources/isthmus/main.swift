import Foundation
import IsthmusCLI

exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
