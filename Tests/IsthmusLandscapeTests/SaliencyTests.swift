import XCTest
import IsthmusCore
import IsthmusLandscape
import IsthmusNN

final class SaliencyTests: XCTestCase {
    /// The gradient matches central finite differences of CE(f(x), y), and the loss is CE at x.
    func testGradientMatchesFiniteDifferences() throws {
        let model = MLPProbe.make(), x = randomInput(seed: 3)
        let (r, g) = Saliency.run(model: model, input: x, classIndex: 2)
        XCTAssertEqual(g.shape, x.shape)
        func loss(_ t: Tensor) -> Double { Double(withoutGradients { crossEntropy(logits: model(t), labels: [2]) }.scalar) }
        XCTAssertEqual(Double(r.loss), loss(x), accuracy: 1e-6)
        XCTAssertEqual(r.logits.count, 3)
        let h: Float = 1e-2
        for i in [0, 5, 15] {
            var plus = x.scalars, minus = x.scalars
            plus[i] += h; minus[i] -= h
            let fd = (loss(Tensor(shape: x.shape, scalars: plus)) - loss(Tensor(shape: x.shape, scalars: minus))) / (2 * Double(h))
            XCTAssertEqual(Double(g[flat: i]), fd, accuracy: 2e-3 * max(1, abs(fd)), "coordinate \(i)")
        }
        XCTAssertEqual(Double(r.gradientNorm), Euclidean.norm(g), accuracy: 1e-6)
    }

    /// The heat map is the largest |gradient| over channels, per pixel.
    func testHeatIsTheMaxOverChannels() {
        let g = Tensor(shape: [1, 2, 1, 3], scalars: [1, -5, 0.5, -2, 3, 0.25])
        let h = Saliency.heat(g)
        XCTAssertEqual(h.values, [2, 5, 0.5])
        XCTAssertEqual(h.height, 1)
        XCTAssertEqual(h.width, 3)
    }
}
