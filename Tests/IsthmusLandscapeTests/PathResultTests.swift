import XCTest
import IsthmusCore
import IsthmusLandscape

/// The common result of the path methods: its geometry and its barrier numbers.
final class PathResultTests: XCTestCase {
    /// The polyline (-1,0) -> (0,1) -> (1,0): length 2 sqrt 2 over ||C - A|| = 2, farthest point 1 from the segment.
    func testGeometryOfAKnownPolyline() {
        let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0]), c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])
        let pts = Tensor(shape: [3, 2, 1, 1], scalars: [-1, 0, 0, 1, 1, 0])
        let g = PathResult.geometry(of: pts, from: a, to: c)
        XCTAssertEqual(g.length, 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(g.distance, 0.5, accuracy: 1e-15)
        let straight = PathResult.geometry(of: Interpolation.points(from: a, to: c, alphas: Interpolation.alphas(5)), from: a, to: c)
        XCTAssertEqual(straight.length, 1, accuracy: 1e-15); XCTAssertEqual(straight.distance, 0)
        XCTAssertEqual(PathResult.geometry(of: pts, from: a, to: a).length, 1, "A = C: ratio 1 by convention")
    }

    func testBarrierNumbersAndCost() {
        let r = PathResult(method: .neb, positions: [0, 0.5, 1], losses: [0.2, 0.9, 0.4], geometry: (1.5, 0.25),
                           gradientEvaluations: 10, forwardEvaluations: 6, iterations: 3, seconds: 0, epsilons: [0.1, 0.5])
        XCTAssertEqual(r.lossA, Double(Float(0.2))); XCTAssertEqual(r.lossC, Double(Float(0.4)))
        XCTAssertEqual(r.max, Double(Float(0.9)))
        XCTAssertEqual(r.gap, Double(Float(0.9)) - Double(Float(0.4)))
        XCTAssertEqual(r.connected, ["0.1": false, "0.5": true])
        XCTAssertEqual(r.pathLengthRatio, 1.5); XCTAssertEqual(r.maxDistanceFromSegment, 0.25)
        XCTAssertEqual(r.evaluations, 12)
        let nan = PathResult(method: .bezier, positions: [0, 0.5, 1], losses: [0, .nan, 0], geometry: (1, 0),
                             gradientEvaluations: 0, forwardEvaluations: 0, iterations: 0, seconds: 0, epsilons: [0.1])
        XCTAssertTrue(nan.max.isNaN)
        XCTAssertEqual(nan.connected, ["0.1": false], "a NaN on the path is never connected")
    }
}
