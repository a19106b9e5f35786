/**
 * What every demo shares: numbered, narrated steps ({@link dev.milab.kit.Narrator}) run by
 * {@link dev.milab.kit.DemoRunner} with the options a learner or trainer passes ({@code --step}, {@code --target},
 * {@code --help}); an expectation that fails stops the demo with what it expected and what it saw, and the exit code
 * is 0 only if every expected outcome was seen. {@link dev.milab.kit.JwtView} decodes a token for display (it
 * validates nothing: resources do that). The kit is used by the demos' {@code demo} packages, and its
 * {@link dev.milab.kit.junit.LabExtension} by tests of the {@code app} code; the {@code app} code a learner copies never
 * imports it.
 */
package dev.milab.kit;
