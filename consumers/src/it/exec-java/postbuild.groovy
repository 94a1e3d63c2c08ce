// mvn exec:java runs the application in Maven's JVM; once main returns it interrupts the threads the
// application started and waits up to 15 s for each that is still alive, with a warning per thread.
// The library's threads end with its pools, so nothing is waited for and nothing is warned about.
def log = new File(basedir, 'build.log').text
assert log.contains('consumer OK'): 'the application did not report its results'
def lingering = [
    'was interrupted but is still alive after waiting',
    'will linger despite being asked to die via interruption',
    'thread(s) did not finish despite being asked to via interruption',
    "Couldn't destroy threadgroup",
].findAll { log.contains(it) }
assert lingering.isEmpty(): "exec:java waited for threads still running after main returned: ${lingering}"
return true
