/**
 * Parallelizable's runtime: the pools and the API applications use ({@code dev.parallelizable}),
 * the helpers generated code calls ({@code dev.parallelizable.support}), and the service provider
 * interface for another kind of remote pool ({@code dev.parallelizable.spi}). Every other package
 * is the runtime's own and is not exported.
 */
module dev.parallelizable {
  requires jdk.jfr;

  exports dev.parallelizable;
  exports dev.parallelizable.support;
  exports dev.parallelizable.spi;
}
