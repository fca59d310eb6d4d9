package org.safeharbor.jurisdiction.support.v1;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.dataformat.bindy.BindyFixedLengthFactory;
import org.apache.camel.dataformat.bindy.fixed.BindyFixedLengthDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Camel Bindy's fixed-length data format for a state's {@code @FixedLengthRecord} classes, usable outside a route (a
 * state format is called by the conformance kit and by sandbox peers, neither of which has an exchange). Holds a small
 * CamelContext of its own for Bindy's type conversion; {@link #close()} stops it.
 *
 * <p>Bindy reads a whole file or nothing, and takes the first line of a record class that declares a header for the
 * header; the readers here give each line to Bindy's own record parser, so that a receiver can reject one malformed
 * record and accept the others, and a referral's detail lines read without their batch's header.
 */
public final class FixedWidth implements AutoCloseable {

    private final CamelContext camel;
    private final Map<Class<?>, LineFormat> formats = new ConcurrentHashMap<>();

    /** Bindy's format with one line parsed as one record ({@code createModel}: its length check, then its binding). */
    private static final class LineFormat extends BindyFixedLengthDataFormat {
        LineFormat(Class<?> type) {
            super(type);
        }

        Object read(String line) throws Exception {
            return createModel((BindyFixedLengthFactory) getFactory(), line, 1).get(getClassType().getName());
        }
    }

    /** {@code name}: the CamelContext's, e.g. {@code safeharbor-us-fl-bindy}. */
    public FixedWidth(String name) {
        // in Karaf, Camel finds its plug-ins through the platform bundle that holds it
        try {
            camel = PlatformClassLoader.call(() -> {
                DefaultCamelContext context = new DefaultCamelContext();
                context.setApplicationContextClassLoader(PlatformClassLoader.LOADER);
                context.getCamelContextExtension().setName(name);
                context.start();
                return context;
            });
        } catch (Exception e) {
            throw new IllegalStateException(name + ": Bindy's CamelContext did not start", e);
        }
    }

    /** The records as fixed-width lines, each ended by the record class's line end. All must be of one annotated class. */
    public String write(List<?> records) {
        if (records.isEmpty()) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            format(records.get(0).getClass()).marshal(new DefaultExchange(camel), new ArrayList<>(records), out);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot write " + records.get(0).getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One record as one line, without line end. */
    public String writeLine(Object record) {
        String text = write(List.of(record));
        return text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
    }

    /**
     * Reads one line (without its line end) as a record of the type.
     *
     * @throws IllegalArgumentException when the line does not match the layout
     */
    public <T> T readLine(Class<T> type, String line) {
        if (line == null || line.isEmpty() || line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("not one record line");
        }
        try {
            return type.cast(format(type).read(line));
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException ? e : new IllegalArgumentException(e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Every non-empty line of the text (CRLF or LF ends) as a record of the type; the first bad line throws. */
    public <T> List<T> readLines(Class<T> type, String text) {
        return lines(text).stream().map(line -> readLine(type, line)).toList();
    }

    /** The non-empty lines of a text, with CRLF or LF ends. */
    public static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().filter(l -> !l.isEmpty()).toList();
    }

    /** Free text fit for one fixed-width line: control characters (a line break would split the record) become spaces. */
    public static String text(String value) {
        if (value == null) {
            return null;
        }
        String clean = value.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.isEmpty() ? null : clean;
    }

    private LineFormat format(Class<?> type) {
        return formats.computeIfAbsent(type, t -> {
            LineFormat format = new LineFormat(t);
            format.setCamelContext(camel);
            format.setUnwrapSingleInstance(false);
            ServiceHelper.startService(format);
            return format;
        });
    }

    @Override
    public void close() {
        formats.values().forEach(ServiceHelper::stopService);
        camel.stop();
    }
}
