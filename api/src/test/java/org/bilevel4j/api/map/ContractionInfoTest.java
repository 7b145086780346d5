package org.bilevel4j.api.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.api.map.ContractionInfo.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContractionInfoTest {

    @Test
    void knownKeepsItsConstantAndSource() {
        ContractionInfo c = ContractionInfo.known(0.5);
        assertEquals(0.5, c.constant(), 0.0);
        assertEquals(Source.KNOWN, c.source());
        assertTrue(c.isAvailable());
    }

    @Test
    void estimatedKeepsItsConstantAndSource() {
        ContractionInfo c = ContractionInfo.estimated(0.9);
        assertEquals(0.9, c.constant(), 0.0);
        assertEquals(Source.ESTIMATED, c.source());
        assertTrue(c.isAvailable());
    }

    @Test
    void unknownHasNaNAndIsShared() {
        ContractionInfo c = ContractionInfo.unknown();
        assertTrue(Double.isNaN(c.constant()));
        assertEquals(Source.UNKNOWN, c.source());
        assertFalse(c.isAvailable());
        assertFalse(c.isContraction());
        assertSame(c, ContractionInfo.unknown());
        assertEquals(c, new ContractionInfo(Double.NaN, Source.UNKNOWN));
    }

    @Test
    void isContractionOnlyBelowOne() {
        assertTrue(ContractionInfo.known(0.0).isContraction());
        assertTrue(ContractionInfo.known(0.999).isContraction());
        assertTrue(ContractionInfo.estimated(0.3).isContraction());
        assertTrue(ContractionInfo.known(Math.nextDown(1.0)).isContraction());
        assertFalse(ContractionInfo.known(1.0).isContraction());
        assertFalse(ContractionInfo.known(1.5).isContraction());
        assertFalse(ContractionInfo.estimated(1.0).isContraction());
        assertFalse(ContractionInfo.estimated(42.0).isContraction());
    }

    @Test
    void knownAcceptsZeroAndConstantsAboveOne() {
        assertEquals(0.0, ContractionInfo.known(0.0).constant(), 0.0);
        assertEquals(3.0, ContractionInfo.known(3.0).constant(), 0.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void knownRejectsInvalidConstantsNamingTheArgument(double q) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContractionInfo.known(q));
        assertTrue(e.getMessage().startsWith("constant"), e.getMessage());
        assertTrue(e.getMessage().contains("KNOWN"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(q)), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, Double.NaN, Double.POSITIVE_INFINITY})
    void estimatedRejectsInvalidConstantsNamingTheArgument(double q) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContractionInfo.estimated(q));
        assertTrue(e.getMessage().startsWith("constant"), e.getMessage());
        assertTrue(e.getMessage().contains("ESTIMATED"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 2.0, Double.POSITIVE_INFINITY})
    void unknownSourceRejectsAnyConstantButNaN(double q) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContractionInfo(q, Source.UNKNOWN));
        assertTrue(e.getMessage().startsWith("constant"), e.getMessage());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("UNKNOWN"), e.getMessage());
    }
}
