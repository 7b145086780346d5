package org.bilevel4j.apps.iv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.Dataset;
import org.bilevel4j.functional.FunctionModel;
import org.junit.jupiter.api.Test;

/**
 * The dSprites task as a functional bilevel problem: its inner loss (with the cached treatment outputs) equals a
 * direct evaluation for changing w, and a tiny experiment runs every method and records its curves.
 */
class IvTaskTest {
    static final Backend B = Backends.get("ejml");
    static final SpritesIvTask.Sizes TINY = new SpritesIvTask.Sizes(16, 64, true);

    @Test
    void innerLossWithTheCacheEqualsADirectEvaluation() {
        SpritesIvTask task = new SpritesIvTask(B, 40, 1, TINY, 0);
        Dataset.Batch in = task.problem().innerData().full();
        FunctionModel h = task.newInstrumentModel();
        Tensor theta = h.initialParameters(B, 4);
        Tensor v = h.apply(theta, in.x());
        int d = in.y().dim(1) - 1;
        for (long s : new long[] {1, 2, 1}) {
            Tensor w = task.initialOuter(s);
            double cached = task.problem().innerValue(w, v, in).item();
            task.problem().innerValue(w, v, in); // second call: from the cache
            double again = task.problem().innerValue(w, v, in).item();
            Tensor f = task.treatmentNetwork().forward(w, in.y().sliceColumns(0, d));
            double direct = f.sub(v).square().mean().item();
            assertEquals(direct, cached, 1e-12, "seed " + s);
            assertEquals(direct, again, 1e-12, "seed " + s);
        }
        // the 40 samples are split in halves: stage 1 (inner) and stage 2 (outer)
        assertEquals(20, task.problem().innerData().size());
        assertEquals(20, task.problem().outerData().size());
    }

    @Test
    void everyMethodRunsAndRecordsItsCurves() {
        SpritesExperiment.Config c = new SpritesExperiment.Config(40, 3, TINY, new IvMethod.Hyper(2, 2, 1e-2,
                IvMethod.Hyper.DECAY, 1e-2, IvMethod.Hyper.DECAY, 0.1, 0.05, 1e-3, IvMethod.Hyper.DECAY), 0, 2);
        List<SpritesExperiment.Result> rs = SpritesExperiment.runSeed(B, c, List.of(IvMethod.values()), 5, null);
        assertEquals(IvMethod.values().length, rs.size());
        for (SpritesExperiment.Result r : rs) {
            assertFalse(r.failed(), r.method() + ": " + r.message());
            assertEquals(3, r.innerLoss().length);
            for (int k = 0; k < 3; k++) {
                assertTrue(r.innerLoss()[k] >= 0 && r.outerLoss()[k] > 0, r.method() + " step " + k);
            }
            assertTrue(Double.isNaN(r.testMse()[0]) && r.testMse()[1] > 0 && r.finalTestMse() > 0,
                    r.method() + " test MSE every 2 steps and at the end");
            assertTrue(r.secondsPerStep() > 0);
        }
    }
}
