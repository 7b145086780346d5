/**
 * Data generators for functional bilevel experiments: a renderer of dSprites-style images ({@link
 * org.bilevel4j.functional.data.Sprites}), the instrumental-variable recipe on those images of Petrulionytė, Mairal,
 * Arbel, "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024, Appendix G.1 (after Xu et al.,
 * "Learning Deep Features in Instrumental Variable Regression", ICLR 2021) with its 588-point test grid ({@link
 * org.bilevel4j.functional.data.SpritesIv}), and the linear-Gaussian instrumental-variable toy with closed-form
 * two-stage least squares ({@link org.bilevel4j.functional.data.LinearGaussianIv}).
 */
package org.bilevel4j.functional.data;
