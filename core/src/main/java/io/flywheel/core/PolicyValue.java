package io.flywheel.core;

/**
 * Expected outcomes per 1,000 page requests, from the simulator's true probabilities: of what the
 * policy showed, of what the oracle and of what the popularity baseline would have shown on the
 * same requests.
 */
public record PolicyValue(double policy, double oracle, double popularity) {}
