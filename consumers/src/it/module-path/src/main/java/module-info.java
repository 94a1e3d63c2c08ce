/** The application: it uses Parallelizable, and neither reads java.compiler nor exports a package. */
module com.example.consumer {
  requires dev.parallelizable;
}
