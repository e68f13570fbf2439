import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// Sec 4.3 on a small untrained net: FVO modes A and C, then free bends; the final path is lower than the primary.
final class UntrainedConnectivityTests: XCTestCase {
    func testFinalPathMaxIsBelowPrimaryMaxOnASmallNet() throws {
        var c = UntrainedConnectivity.Config()
        // A configuration whose two FVO modes have a barrier between them (found by scanning seeds and classes).
        c.model = ModelOptions(name: "mlp", classes: 4, hidden: [256, 256], inputSize: 8, inputChannels: 1)
        c.seed = 1
        c.classIndex = 2
        c.steps = 40
        c.fvoIterations = 3000
        c.bypass.iterations = 600
        c.rounds = 2
        let (r, a, z, path) = try UntrainedConnectivity.run(c)
        XCTAssertLessThan(r.endpointLoss[0], 1e-2)
        XCTAssertLessThan(r.endpointLoss[1], 1e-2)
        XCTAssertGreaterThan(r.primaryMax, max(r.endpointLoss[0], r.endpointLoss[1]), "the two modes are separated by a barrier")
        XCTAssertLessThan(r.roundMax.last!, r.primaryMax, "bypassing lowers the path")
        XCTAssertEqual(path.vertices.first!.scalars, a.scalars)
        XCTAssertEqual(path.vertices.last!.scalars, z.scalars)
        // Seeded: the same run again gives the same numbers.
        let (again, _, _, _) = try UntrainedConnectivity.run(c)
        XCTAssertEqual(again.roundMax, r.roundMax)
    }
}

/// Modes A and C of a seed come from one stream: consecutive seeds share no start (the old seeds s+1, s+2 made
/// mode C of seed s the start of mode A of seed s+1).
final class UntrainedSeedTests: XCTestCase {
    func testModesOfOneSeedComeFromOneStreamAndSeedsDoNotOverlap() throws {
        var c = UntrainedConnectivity.Config()
        c.model = ModelOptions(name: "mlp", classes: 4, hidden: [16], inputSize: 8, inputChannels: 1)
        c.fvoIterations = 3; c.rounds = 0; c.steps = 5
        let shape = [1, 8, 8]
        for seed: UInt64 in [0, 1] {
            c.seed = seed
            let (_, a, z, _) = try UntrainedConnectivity.run(c)
            let (model, _) = try ModelZoo.make(c.model, seed: seed)
            let starts = FeatureVisualization.pairStarts(seed: seed, inputShape: shape)
            var fa = FeatureVisualization.Config.paper(classIndex: c.classIndex, modeA: true); fa.maxIterations = 3
            var fc = FeatureVisualization.Config.paper(classIndex: c.classIndex, modeA: false); fc.maxIterations = 3
            let modes = try FeatureVisualization.runMany([fa, fc], model: model, inputShape: shape, starts: [starts.a, starts.c], batch: 2)
            XCTAssertEqual(modes[0].input.scalars, a.scalars)
            XCTAssertEqual(modes[1].input.scalars, z.scalars)
        }
        let s0 = FeatureVisualization.pairStarts(seed: 0, inputShape: shape), s1 = FeatureVisualization.pairStarts(seed: 1, inputShape: shape)
        for (u, v) in [(s0.c, s1.a), (s0.a, s0.c), (s0.a, s1.a), (s0.c, s1.c)] { XCTAssertNotEqual(u.scalars, v.scalars) }
    }
}

/// "Rounds needed" against a tolerance on the scale of the endpoint losses.
final class RoundsNeededTests: XCTestCase {
    func testRelativeToTheEndpointLoss() {
        // Endpoints 5e-4 (FVO modes): an absolute 0.05 would count the primary 0.03 as connected.
        XCTAssertEqual(roundsNeeded(primaryMax: 0.03, roundMax: [0.002, 0.0009], endpoints: 5e-4, relativeTolerance: 1), 2)
        XCTAssertEqual(roundsNeeded(primaryMax: 0.0007, roundMax: [], endpoints: 5e-4, relativeTolerance: 1), 0)
        XCTAssertNil(roundsNeeded(primaryMax: 0.03, roundMax: [0.01], endpoints: 5e-4, relativeTolerance: 1))
    }
}
