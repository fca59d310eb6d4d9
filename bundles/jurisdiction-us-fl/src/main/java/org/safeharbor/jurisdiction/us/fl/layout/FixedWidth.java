package org.safeharbor.jurisdiction.us.fl.layout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.dataformat.bindy.fixed.BindyFixedLengthDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Camel Bindy's fixed-length data format for the Florida record classes, usable outside a route (the state
 * format is called by the conformance kit and by the SFTP peer, neither of which has an exchange). Holds a small
 * CamelContext of its own for Bindy's type conversion; {@link #close()} stops it.
 *
 * <p>Bindy parses a whole file or nothing; the readers here go line by line, so that a receiver can reject one
 * malformed record and accept the others.
 */
public final class FixedWidth implements AutoCloseable {

    private final CamelContext camel;
    private final Map<Class<?>, BindyFixedLengthDataFormat> formats = new ConcurrentHashMap<>();

    public FixedWidth() {
        // in Karaf, Camel finds its plug-ins through the platform bundle that holds it
        try {
            camel = PlatformClassLoader.call(() -> {
                DefaultCamelContext context = new DefaultCamelContext();
                context.setApplicationContextClassLoader(PlatformClassLoader.LOADER);
                context.getCamelContextExtension().setName("safeharbor-us-fl-bindy");
                context.build();
                context.start();
                return context;
            });
        } catch (Exception e) {
            throw new IllegalStateException("US-FL: Bindy's CamelContext did not start", e);
        }
    }

    /** The records as fixed-width lines, each ended by CRLF. All records must be of one annotated class. */
    public String write(List<?> records) {
        if (records.isEmpty()) {
            return "";
        }
        BindyFixedLengthDataFormat format = format(records.get(0).getClass());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            format.marshal(exchange(), new ArrayList<>(records), out);
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
        return text.substring(0, text.length() - 2);
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
        Object result;
        try {
            result = format(type).unmarshal(exchange(), new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<?> list = (List<?>) result;
        if (list.size() != 1 || !type.isInstance(list.get(0))) {
            throw new IllegalArgumentException("not one " + type.getSimpleName());
        }
        return type.cast(list.get(0));
    }

    /** Every non-empty line of the text (CRLF or LF ends) as a record of the type; the first bad line throws. */
    public <T> List<T> readLines(Class<T> type, String text) {
        List<T> records = new ArrayList<>();
        for (String line : lines(text)) {
            records.add(readLine(type, line));
        }
        return records;
    }

    /** The non-empty lines of a text, with CRLF or LF ends. */
    public static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().filter(l -> !l.isEmpty()).toList();
    }

    private Exchange exchange() {
        return new DefaultExchange(camel);
    }

    private BindyFixedLengthDataFormat format(Class<?> type) {
        return formats.computeIfAbsent(type, t -> {
            BindyFixedLengthDataFormat format = new BindyFixedLengthDataFormat(t);
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
