// The application checks its own results, and that the library logged no warning (it records them
// itself: Spring Boot lets go of the JDK's logging before the beans are destroyed). Here the log is
// checked for what Spring and Logback print: a destroy method that threw is only logged, at WARN,
// while the context closes.
def log = new File(basedir, 'build.log').text
assert log.contains('consumer OK'): 'the application did not report its results'
// Maven's own lines start with [INFO], [WARNING] ... and its stack frames read "at Type.method (File.java:1)";
// the application's are Spring Boot's log lines ("... WARN 1234 --- [...] logger : message") and Java's
// stack frames ("at Type.method(File.java:1)").
def problems = log.readLines().findAll {
  !it.startsWith('[') && (it =~ /\b(WARN|WARNING|ERROR|SEVERE)\b/ || it =~ /^\s+at \S+\(/)
}
assert problems.isEmpty(): "the application logged warnings, errors or stack traces:\n${problems.join('\n')}"
return true
