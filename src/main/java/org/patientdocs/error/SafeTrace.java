package org.patientdocs.error;

import java.sql.SQLException;

/**
 * Describes a failure for the log without any exception message: messages of database and I/O exceptions carry
 * SQL, values, file paths and ids, none of which may reach a log. What remains (exception types, SQLSTATEs and stack
 * frames) is enough to find the code that failed.
 */
public final class SafeTrace {

    private static final int FRAMES_PER_CAUSE = 12;

    private SafeTrace() {
    }

    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
            out.append(depth == 0 ? "" : "\ncaused by: ").append(t.getClass().getName());
            if (t instanceof SQLException sql) {
                out.append(" [SQLState ").append(sql.getSQLState()).append(", code ").append(sql.getErrorCode())
                        .append(']');
            }
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, FRAMES_PER_CAUSE); i++) {
                out.append("\n\tat ").append(frames[i]);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return out.toString();
    }
}
