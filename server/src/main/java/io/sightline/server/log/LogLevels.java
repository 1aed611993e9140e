package io.sightline.server.log;

import org.slf4j.event.Level;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * The threshold per logger name: {@code level} for everything, {@code level.<prefix>} for a package or class (the
 * longest prefix wins). Read from {@code sightline-logging.properties}; the system property
 * {@code sightline.log.level} overrides the default level.
 */
final class LogLevels {
    static final String RESOURCE = "sightline-logging.properties";

    private final Properties props;
    private final Level defaultLevel;

    private LogLevels(Properties props) {
        this.props = props;
        this.defaultLevel = parse(System.getProperty("sightline.log.level", props.getProperty("level", "info")));
    }

    static LogLevels load() {
        Properties p = new Properties();
        try (InputStream in = LogLevels.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unreadable resource: every logger at the default level
        }
        return new LogLevels(p);
    }

    Level levelOf(String loggerName) {
        String name = loggerName;
        while (true) {
            String v = props.getProperty("level." + name);
            if (v != null) {
                return parse(v);
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return defaultLevel;
            }
            name = name.substring(0, dot);
        }
    }

    private static Level parse(String s) {
        String v = s.strip().toUpperCase(Locale.ROOT);
        return v.equals("WARNING") ? Level.WARN : Level.valueOf(v);
    }
}
