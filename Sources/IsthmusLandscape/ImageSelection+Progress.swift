import Foundation
import IsthmusNN
import IsthmusReport

extension ImageSelection {
    /// Progress on stderr of the evaluation pass this rule makes over every image of `data` (nil for `.all`, which
    /// reads none): the `progress` argument of `BarrierStatistics.plan`, `Connectivity.samplePairs` and `pool`.
    public func progress(over data: some ImageSource, quiet: Bool) -> ((Int) -> Void)? {
        guard self != .all else { return nil }
        let progress = Progress(total: data.count, label: "images evaluated", quiet: quiet, interval: 5)
        var done = 0
        return { k in
            progress.advance(by: k - done)
            done = k
            if k == data.count { progress.finish() }
        }
    }
}
