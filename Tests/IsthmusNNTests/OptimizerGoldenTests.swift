import Foundation
import XCTest
import IsthmusCore
import IsthmusNN

/// Adam and SGD against torch.optim on 5 steps of sum((W a - y)^2) (scripts/golden/make_fixtures.py).
final class OptimizerGoldenTests: XCTestCase {
    func run(_ name: String, _ make: (Tensor) -> Optimizer) throws {
        let url = Bundle.module.url(forResource: "optimizers", withExtension: "json", subdirectory: "Fixtures")!
        let all = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let c = all[name] as! [String: Any]
        func t(_ k: String) -> Tensor {
            let o = c[k] as! [String: Any]
            return Tensor(shape: o["shape"] as! [Int], scalars: (o["data"] as! [Double]).map(Float.init))
        }
        let a = t("a"), y = t("y"), w = t("w0")
        let opt = make(w)
        for (i, expected) in (c["steps"] as! [[Double]]).enumerated() {
            let (_, g) = valueWithGradient(wrt: [w]) { (matmul(w, a) - y).squared().sum() }
            opt.step(g)
            for j in 0..<w.count {
                XCTAssertEqual(w[flat: j], Float(expected[j]), accuracy: 1e-5 * max(1, abs(Float(expected[j]))),
                               "\(name) step \(i + 1) element \(j)")
            }
        }
    }

    func testAdamFirstFiveSteps() throws { try run("adam") { Adam([$0], lr: 0.01, weightDecay: 0.01) } }
    func testSGDMomentumFirstFiveSteps() throws { try run("sgd") { SGD([$0], lr: 0.01, momentum: 0.9, weightDecay: 0.01) } }
}
