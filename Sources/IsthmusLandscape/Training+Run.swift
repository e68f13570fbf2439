// result.json of a training run.
import IsthmusNN

extension Training {
    /// result.json of `train` (and of reproduce's model stage): final test accuracy and loss, the epoch log, the size.
    public struct File: Codable {
        public var testAccuracy: Double
        public var testLoss: Double
        public var epochs: [Training.Epoch]
        public var parameters: Int
        public init(testAccuracy: Double, testLoss: Double, epochs: [Training.Epoch], parameters: Int) {
            self.testAccuracy = testAccuracy; self.testLoss = testLoss; self.epochs = epochs; self.parameters = parameters
        }
    }
}
