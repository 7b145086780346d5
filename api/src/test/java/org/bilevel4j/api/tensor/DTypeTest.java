package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.bilevel4j.api.tensor.types.DType;
import org.junit.jupiter.api.Test;

class DTypeTest {

    @Test
    void float64EpsilonIsTwoToTheMinus52() {
        assertEquals(0x1.0p-52, DType.FLOAT64.epsilon(), 0.0);
        assertEquals(Math.pow(2, -52), DType.FLOAT64.epsilon(), 0.0);
        // 1 + eps is the next double after 1
        assertNotEquals(1.0, 1.0 + DType.FLOAT64.epsilon());
        assertEquals(1.0, 1.0 + DType.FLOAT64.epsilon() / 2, 0.0);
    }

    @Test
    void float32EpsilonIsTwoToTheMinus23() {
        assertEquals(0x1.0p-23, DType.FLOAT32.epsilon(), 0.0);
        assertEquals(Math.pow(2, -23), DType.FLOAT32.epsilon(), 0.0);
        float eps = (float) DType.FLOAT32.epsilon();
        assertNotEquals(1.0f, 1.0f + eps);
        assertEquals(1.0f, 1.0f + eps / 2, 0.0f);
    }

    @Test
    void bytesPerElement() {
        assertEquals(8, DType.FLOAT64.bytes());
        assertEquals(4, DType.FLOAT32.bytes());
        assertEquals(Double.BYTES, DType.FLOAT64.bytes());
        assertEquals(Float.BYTES, DType.FLOAT32.bytes());
    }

    @Test
    void toStringIsTheLowerCaseLabel() {
        assertEquals("float64", DType.FLOAT64.toString());
        assertEquals("float32", DType.FLOAT32.toString());
    }

    @Test
    void float64IsDeclaredFirst() {
        assertEquals(DType.FLOAT64, DType.values()[0]);
        assertEquals(2, DType.values().length);
    }
}
