package io.redissessions.bench.reliability;

/**
 * What the client knows of one session: its cookie, its creation marker and the counter value of
 * the last acknowledged increment; and what it saw go wrong. Each session is used by one request
 * at a time (one client thread owns it), so this needs no locking; {@link Tally} reads it after
 * the threads stopped.
 *
 * <p>Rules, for a 200 answer:
 * <ul>
 *   <li>a different marker, {@code new=true}, a new session id in Set-Cookie, or {@code /ro}
 *       finding no session: the request that had a session got a new empty one (a reset);</li>
 *   <li>{@code /rw} answering {@code v <= last}: Redis lost {@code last - v + 1} acknowledged
 *       increments;</li>
 *   <li>{@code /ro} answering {@code v < last}: the read missed acknowledged increments. Lost, or
 *       not written yet although acknowledged: the next {@code /rw} (or the final read) tells,
 *       so {@code last} stays;</li>
 *   <li>{@code v} above {@code last + 1}: increments whose request failed were applied anyway.</li>
 * </ul>
 */
final class TrackedSession {

    final int index;
    String cookie;
    String born;
    int lastAcked;
    /** A reset was counted and the next answer is expected to show a new session: not counted twice. */
    boolean expectNew;

    int resets;
    long lostAcked;
    long appliedUnacknowledged;
    long readsBehind;
    long acknowledgedWrites;

    TrackedSession(int index, String cookie, String born, int counter) {
        this.index = index;
        this.cookie = cookie;
        this.born = born;
        this.lastAcked = counter;
    }

    /** Applies a 200 answer; returns a description of what went wrong, or null. */
    String onAnswer(String page, PageLine line, String setCookie) {
        boolean newId = setCookie != null && !baseId(setCookie).equals(baseId(cookie));
        if (page.equals("ro") && line.noSession()) {
            if (expectNew) {
                return null;
            }
            resets++;
            expectNew = true;
            return "no session for a request that had one (lost " + lastAcked + " increments)";
        }
        if (!line.born().equals(born) || line.isNew() || newId) {
            String what = expectNew ? null : "a new empty session for a request that had one ("
                    + (newId ? "new id" : line.isNew() ? "new=true" : "marker changed") + ", counter " + lastAcked
                    + " -> " + line.counter() + ")";
            if (!expectNew) {
                resets++;
            }
            expectNew = false;
            if (setCookie != null) {
                cookie = setCookie;
            }
            born = line.born();
            lastAcked = line.counter();
            if (page.equals("rw")) {
                acknowledgedWrites++;
            }
            return what;
        }
        expectNew = false;
        int v = line.counter();
        String problem = null;
        if (page.equals("rw")) {
            acknowledgedWrites++;
            if (v <= lastAcked) {
                lostAcked += lastAcked - v + 1;
                problem = "lost " + (lastAcked - v + 1) + " acknowledged increments (" + lastAcked + " -> " + v + ")";
            } else if (v > lastAcked + 1) {
                appliedUnacknowledged += v - lastAcked - 1;
            }
            lastAcked = v;
        } else if (v < lastAcked) {
            readsBehind++;
            problem = "read " + v + " although " + lastAcked + " was acknowledged";
        } else if (v > lastAcked) {
            appliedUnacknowledged += v - lastAcked;
            lastAcked = v;
        }
        return problem;
    }

    /** The session id without Tomcat's jvmRoute or Jetty's worker name (everything from the last '.'). */
    static String baseId(String cookie) {
        String value = cookie.substring(cookie.indexOf('=') + 1);
        int dot = value.lastIndexOf('.');
        return dot < 0 ? value : value.substring(0, dot);
    }
}
