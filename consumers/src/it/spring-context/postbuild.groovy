// The application checks its own results and exits with an error otherwise; here the log is checked
// for what it cannot see: a warning or error logged on the way, by the library or by Spring (a
// destroy method that threw is only logged, at WARN, while the context closes).
def log = new File(basedir, 'build.log').text
assert log.contains('consumer OK'): 'the application did not report its results'
// Maven's own lines start with [INFO], [WARNING] ...; the application's are Spring Boot's log lines
// ("... WARN 1234 --- [...] logger : message") and the library's, through java.util.logging.
def problems = log.readLines().findAll {
  !it.startsWith('[') && (it =~ /\b(WARN|WARNING|ERROR|SEVERE)\b/ || it =~ /^\s+at \S+\(/)
}
assert problems.isEmpty(): "the application logged warnings, errors or stack traces:\n${problems.join('\n')}"
return true
