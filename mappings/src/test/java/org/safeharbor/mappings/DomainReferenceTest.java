package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The project carries its own domain reference, docs/domain.md, and cites it: no file of the repository points at
 * a reference outside it (the facts file the project started from lived beside the repository, where a clone or a
 * reader of a release does not have it), and every citation of a section names one that exists.
 */
class DomainReferenceTest {

    private static final String DOMAIN_REFERENCE = "docs/domain.md";

    /** The old citations: the upper-case file name, or any path that leaves the repository for the shared folder. */
    private static final Pattern OUTSIDE_REFERENCE = Pattern.compile("DOMAIN\\.md|\\.\\./shared\\b");

    /** {@code docs/domain.md, "Clocks"}, {@code docs/domain.md "Texas"}, {@code `docs/domain.md`, "Florida"}. */
    private static final Pattern QUOTED_SECTION = Pattern.compile("docs/domain\\.md`?\\)?(?:,\\s*|\\s+)\"([^\"]+)\"");
    /** {@code docs/domain.md, Illinois)}, {@code docs/domain.md, Health side: ...}. */
    private static final Pattern NAMED_SECTION = Pattern.compile("docs/domain\\.md,\\s+([A-Z][\\w-]*(?: [a-z][\\w-]*)*)");
    /** {@code docs/domain.md, principle 3}. */
    private static final Pattern PRINCIPLE = Pattern.compile("docs/domain\\.md`?,?\\s*principle (\\d+)");
    /** A link to a heading: {@code docs/domain.md#florida}. */
    private static final Pattern ANCHOR = Pattern.compile("docs/domain\\.md#([a-z0-9-]+)");

    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);
    private static final Pattern NUMBERED_PRINCIPLE = Pattern.compile("^(\\d+)\\. ", Pattern.MULTILINE);

    @Test
    void noFileCitesADomainReferenceOutsideTheRepository() {
        List<String> outside = new ArrayList<>();
        for (RepositoryText.Line line : RepositoryText.lines(path -> !path.endsWith("/DomainReferenceTest.java"))) {
            if (OUTSIDE_REFERENCE.matcher(line.text()).find()) {
                outside.add(line.toString());
            }
        }
        assertTrue(outside.isEmpty(), "cite " + DOMAIN_REFERENCE + " instead:\n" + String.join("\n", outside));
    }

    @Test
    void theOldCitationsAreCaught() {
        for (String old : List.of("Source: shared/DOMAIN.md, Florida", "(DOMAIN.md, Illinois)", "see ../shared/DOMAIN.md",
                "[facts](../../shared/DESIGN.md)")) {
            assertTrue(OUTSIDE_REFERENCE.matcher(old).find(), old);
        }
        assertFalse(OUTSIDE_REFERENCE.matcher("(docs/domain.md, \"Illinois\")").find());
    }

    @Test
    void everyCitedSectionExists() throws IOException {
        String reference = Files.readString(RepositoryText.root().resolve(DOMAIN_REFERENCE), StandardCharsets.UTF_8);
        List<String> headings = new ArrayList<>();
        Matcher h = HEADING.matcher(reference);
        while (h.find()) {
            headings.add(h.group(1).strip());
        }
        int principles = principles(reference);
        assertTrue(principles >= 5, "the numbered principles");

        List<String> dangling = new ArrayList<>();
        for (RepositoryText.Line line : RepositoryText.lines(path -> !path.endsWith("/DomainReferenceTest.java"))) {
            String text = line.text();
            for (String section : all(QUOTED_SECTION, text)) {
                if (headings.stream().noneMatch(heading -> startsWithIgnoringCase(heading, section))) {
                    dangling.add("section \"" + section + "\" at " + line);
                }
            }
            for (String section : all(NAMED_SECTION, text)) {
                if (!section.startsWith("principle") && headings.stream().noneMatch(heading -> startsWithIgnoringCase(heading, section))) {
                    dangling.add("section " + section + " at " + line);
                }
            }
            for (String number : all(PRINCIPLE, text)) {
                if (Integer.parseInt(number) > principles) {
                    dangling.add("principle " + number + " at " + line);
                }
            }
            for (String anchor : all(ANCHOR, text)) {
                if (headings.stream().map(DomainReferenceTest::slug).noneMatch(anchor::equals)) {
                    dangling.add("#" + anchor + " at " + line);
                }
            }
        }
        assertTrue(dangling.isEmpty(), "citations of " + DOMAIN_REFERENCE + " naming no section of it:\n" + String.join("\n", dangling));
    }

    @Test
    void anchorsAreGitHubsHeadingSlugs() {
        assertEquals("state-interfaces-reference-designs", slug("State interfaces: reference designs"));
        assertEquals("icd-10-cm", slug("ICD-10-CM"));
        assertEquals("pl-113-183-the-state-agencys-duties", slug("P.L. 113-183: the state agency's duties"));
    }

    /** The numbered list under the "Principles" heading. */
    private static int principles(String reference) {
        int start = reference.indexOf("## Principles");
        int end = reference.indexOf("\n## ", start + 1);
        Matcher n = NUMBERED_PRINCIPLE.matcher(reference.substring(start, end < 0 ? reference.length() : end));
        int count = 0;
        while (n.find()) {
            count = Integer.parseInt(n.group(1));
        }
        return count;
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static boolean startsWithIgnoringCase(String heading, String section) {
        return heading.toLowerCase(Locale.ROOT).startsWith(section.toLowerCase(Locale.ROOT));
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    /** The reference is a file of the repository, where the README's layout table says it is. */
    @Test
    void theReferenceIsInTheRepositoryAndLinkedFromTheReadme() throws IOException {
        Path root = RepositoryText.root();
        assertTrue(Files.isRegularFile(root.resolve(DOMAIN_REFERENCE)));
        assertTrue(Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8).contains("](" + DOMAIN_REFERENCE + ")"),
                "README.md links " + DOMAIN_REFERENCE);
    }
}
