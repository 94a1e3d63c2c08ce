/**
 * The service provider interface: what another kind of remote pool needs to run {@code
 * Parallelizable} tasks on workers of its own, through the runtime's one dispatch engine.
 *
 * <p><b>For implementors, not for applications.</b> Applications use {@link dev.parallelizable}
 * alone; nothing here is needed to run tasks. An implementor (the cluster module is one) adapts its
 * workers to {@link dev.parallelizable.spi.RemoteWorkers}, creates an engine with {@link
 * dev.parallelizable.spi.RemoteDispatcher#create}, hands its {@link
 * dev.parallelizable.spi.RemoteDispatcher#pool() pool()} to applications, and reports what its
 * workers do through the dispatcher's callbacks. The engine owns the queue, the worker slots and their capacity, the
 * requeue of a lost worker's tasks under the {@link dev.parallelizable.CrashPolicy}, the failure of
 * queued tasks when no worker is left, the per-task timeout, and shutdown and terminate; the
 * adapter only moves bytes and reports. On the worker side, {@link
 * dev.parallelizable.spi.EncodedChunk} decodes, runs and answers an encoded chunk the same way for
 * every kind of worker.
 *
 * <p><b>Stability.</b> These types change only with the runtime's minor version, and may gain
 * methods with a default. Everything outside {@code dev.parallelizable}, {@code
 * dev.parallelizable.support} and this package is the runtime's own, is not exported by its module,
 * and changes without notice.
 */
package dev.parallelizable.spi;
