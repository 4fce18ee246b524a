package io.flywheel.core;

/**
 * Expected outcomes per 1,000 page requests, from the simulator's true probabilities: of what the
 * policy showed, of what the oracle and of what the popularity baseline would have shown on the
 * same requests.
 *
 * @param oracle the truth's best order of the policy's own candidate pool when the policy reports
 *     it (the ranking's ceiling), else of everything on sale
 * @param ceiling the truth's best order of everything on sale (retrieval's ceiling too)
 */
public record PolicyValue(double policy, double oracle, double popularity, double ceiling) {}
