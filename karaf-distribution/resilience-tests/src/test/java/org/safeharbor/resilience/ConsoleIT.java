package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 17, the operator console in a real browser: Debian's Chromium (headless) driven by its chromedriver through
 * Selenium, against the packed distribution as an OS process with a real Illinois state peer. An operator logs in (the
 * Karaf JAAS realm, a user of etc/users.properties in a group with the operator role), sees the overview, finds the
 * referral this test submitted with its status and opens its timeline; the state goes down, the referral after it
 * becomes a dead letter, a viewer sees it but has no replay button and is refused (403) when the page's own script
 * posts the replay with its CSRF token; the operator replays it after confirming, and the state receives it. No page
 * shows the sample's personal data, except the operator's break-glass reveal (after a reason), which Hide removes; a
 * viewer has no reveal button and the API refuses the viewer's reveal. Screenshots of the overview, a timeline and the dead letters go to
 * {@code safeharbor.console.screenshots} (default {@code target/console-screenshots}).
 *
 * <p>Without /usr/bin/chromium or /usr/bin/chromedriver it is skipped, except under {@code CI=true}, where it fails
 * ({@code .ci/run} installs both with apt-get).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ConsoleIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String OPERATOR = "console-operator";
    private static final String VIEWER = "console-viewer";
    private static final String PASSWORD = "console-test-" + Long.toHexString(System.nanoTime());
    static KarafWithPeer stack;
    static WebDriver browser;
    static Path profile;
    static Path screenshots;

    @BeforeAll
    static void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: .ci/run installs chromium and"
                    + " chromium-driver with apt-get");
        }
        Assumptions.assumeTrue(present, "no Debian chromium/chromium-driver here (apt-get install chromium chromium-driver)");
        screenshots = Path.of(System.getProperty("safeharbor.console.screenshots", Settings.target().resolve("console-screenshots").toString()));
        Files.createDirectories(screenshots);
        // one retry only, so a referral reaches the dead-letter queue within a second while the peer is down (as ReplayIT)
        stack = KarafWithPeer.start("console", Map.of("maximumRedeliveries", "1", "redeliveryDelay", "PT0.2S", "maximumRedeliveryDelay", "PT0.2S"),
                k -> Files.writeString(k.etc("users.properties"), "\n"
                        + "_g_\\:harbor-viewers = group,viewer\n"
                        + "_g_\\:harbor-operators = group,operator,viewer\n"
                        + OPERATOR + " = " + PASSWORD + ",_g_:harbor-operators\n"
                        + VIEWER + " = " + PASSWORD + ",_g_:harbor-viewers\n",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND));
        profile = Files.createTempDirectory("console-it-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        // the adapter's certificate is from the CA it made at its first start (etc/safeharbor/tls/ca.crt), which this fresh
        // profile does not trust; the page is still HTTPS, so its Secure cookie is sent
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
            if (profile != null) {
                Files2.deleteRecursively(profile);
            }
        }
    }

    @Test
    void anOperatorSeesAReferralAndReplaysADeadLetterThatAViewerCannotReplay() throws Exception {
        KarafProcess karaf = stack.karaf();
        StatePeer peer = stack.peer();
        try (Hospital hospital = new Hospital(karaf, "console" + System.currentTimeMillis() % 100000, Duration.ofSeconds(10))) {
            Hospital.Submission a = hospital.newSubmission();
            assertTrue(hospital.submit(a, Duration.ofSeconds(30)), "not accepted: " + a.refusal);
            String idA = a.taskId();
            assertTrue(peer.awaitDelivered(Set.of(idA), Duration.ofSeconds(60), Duration.ofMillis(500)).missing().isEmpty());

            // the operator logs in with the keyboard only: type, Tab, type, Enter
            browser.get(karaf.base().resolve("/console").toString());
            WebElement user = waitFor(By.id("username"));
            assertTrue(browser.getCurrentUrl().endsWith("/console/"), browser.getCurrentUrl());
            logIn(OPERATOR);
            waitText(By.id("who"), OPERATOR + " (operator, viewer)");
            waitFor(By.cssSelector("#jurisdictions tr[data-jurisdiction='US-IL']"));
            String il = browser.findElement(By.cssSelector("#jurisdictions tr[data-jurisdiction='US-IL']")).getText();
            assertTrue(il.contains("active"), il);
            shot("console-overview.png");

            // the referral this test sent, found by its id, with its status; then its timeline
            browser.findElement(By.id("nav-referrals")).click();
            WebElement id = waitFor(By.id("q-id"));
            id.sendKeys(idA, Keys.ENTER);
            WebElement row = new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
                List<WebElement> rows = d.findElements(By.cssSelector("#results tr[data-referral='" + idA + "']"));
                return rows.isEmpty() ? null : rows.get(0);
            });
            String status = row.findElement(By.cssSelector("td.status")).getText();
            assertTrue(Set.of("DELIVERED", "ACKNOWLEDGED").contains(status), status);
            row.findElement(By.linkText(idA)).click();
            waitFor(By.cssSelector("#timeline tbody tr"));
            String timeline = browser.findElement(By.id("timeline")).getText();
            assertTrue(timeline.contains("received"), timeline);
            assertTrue(timeline.contains("attempt 1:"), timeline);
            assertTrue(browser.findElement(By.id("deliveries")).getText().contains("US-IL"));
            shot("console-referral.png");
            assertNoPersonalData();

            // break-glass: the operator reveals the referral's data after giving a reason (audited), then hides it
            browser.findElement(By.id("reveal")).click();
            WebElement reason = waitFor(By.id("reveal-reason"));
            reason.sendKeys("Caseworker asked to confirm the child's identity, call 4711");
            browser.findElement(By.id("reveal-ok")).click();
            WebElement revealed = waitFor(By.id("revealed-data"));
            String shown = revealed.getText();
            assertTrue(shown.contains("Dakota") && shown.contains("2011-08-08"), shown);
            shot("console-revealed.png");
            browser.findElement(By.id("reveal-hide")).click();
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.id("revealed"), 0));
            assertNoPersonalData();

            // a state outage: the next referral gives up after its retry and becomes a dead letter
            peer.stop();
            Hospital.Submission b = hospital.newSubmission();
            assertTrue(hospital.submit(b, Duration.ofSeconds(30)), "not accepted: " + b.refusal);
            String idB = b.taskId();
            awaitDeadLetter(karaf, idB);
            shot("console-dead-letters.png");
            logOut();

            // the viewer sees the dead letter, has no replay button, and a replay posted by the page is refused
            logIn(VIEWER);
            waitText(By.id("who"), VIEWER + " (viewer)");
            awaitDeadLetter(karaf, idB);
            assertTrue(browser.findElements(By.id("replay-dead-letters")).isEmpty(), "a viewer has no replay button");
            waitText(By.id("viewer-note"), "Replaying needs the operator role.");
            Object answer = ((JavascriptExecutor) browser).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch('api/session').then(r => r.json()).then(s => fetch('api/replay', {method: 'POST',"
                            + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf},"
                            + " body: JSON.stringify({jurisdiction: 'US-IL', deadLetters: true})})).then(r => done(r.status), e => done(String(e)));");
            assertEquals(403L, answer, "the viewer's replay, with a valid CSRF token");
            // nor may a viewer reveal a referral's data: no button, and the API refuses
            browser.get(karaf.base().resolve("/console/#/referral/" + idA).toString());
            waitFor(By.cssSelector("#timeline tbody tr"));
            assertTrue(browser.findElements(By.id("reveal")).isEmpty(), "a viewer has no reveal button");
            Object reveal = ((JavascriptExecutor) browser).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch('api/session').then(r => r.json()).then(s => fetch('api/reveal', {method: 'POST',"
                            + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf},"
                            + " body: JSON.stringify({referralId: '" + idA + "', reason: 'a viewer trying to see the data'})}))"
                            + ".then(r => done(r.status), e => done(String(e)));");
            assertEquals(403L, reveal, "the viewer's reveal, with a valid CSRF token");
            assertNoPersonalData();
            assertTrue(peer.deliveries().stream().noneMatch(d -> d.referralId().equals(idB)), "nothing was replayed");
            logOut();

            // the operator replays it, after confirming, and the state receives it
            peer.start();
            logIn(OPERATOR);
            waitText(By.id("who"), OPERATOR);
            awaitDeadLetter(karaf, idB);
            browser.findElement(By.id("replay-dead-letters")).click();
            WebElement dialog = waitFor(By.id("confirm"));
            assertTrue(dialog.getText().contains("back onto its queue"), dialog.getText());
            browser.findElement(By.id("confirm-ok")).click();
            waitText(By.id("status"), "queued again");
            assertTrue(peer.awaitDelivered(Set.of(idB), Duration.ofSeconds(60), Duration.ofMillis(500)).missing().isEmpty(),
                    "the replayed dead letter reached the state");
            // the overview lists the bulk replay with the long operations (as harbor:operations does), ended, 1 of 1
            browser.get(karaf.base().resolve("/console/#/overview").toString());
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
                List<WebElement> rows = d.findElements(By.cssSelector("#operations tbody tr"));
                return rows.stream().anyMatch(r -> r.getText().contains("bulk replay") && r.getText().contains("US-IL")
                        && r.getText().contains(OPERATOR) && r.getText().contains("1 of 1") && r.getText().contains("done"));
            });
            browser.get(karaf.base().resolve("/console/#/referral/" + idB).toString());
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
                d.navigate().refresh();
                List<WebElement> t = d.findElements(By.id("timeline"));
                return !t.isEmpty() && t.get(0).getText().contains("by " + OPERATOR);
            });
            assertNoPersonalData();
        }
    }

    private static void logIn(String user) {
        WebElement name = waitFor(By.id("username"));
        name.clear();
        name.sendKeys(user, Keys.TAB);
        browser.switchTo().activeElement().sendKeys(PASSWORD, Keys.ENTER);
    }

    private static void logOut() {
        browser.findElement(By.id("logout")).click();
        waitFor(By.id("username"));
    }

    /** Opens the dead letters of US-IL until {@code referralId} is listed (the routes give up asynchronously). */
    private static void awaitDeadLetter(KarafProcess karaf, String referralId) {
        new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofSeconds(1)).until(d -> {
            d.get(karaf.base().resolve("/console/#/dead-letters?jurisdiction=US-IL").toString());
            d.navigate().refresh();
            return !new WebDriverWait(d, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("dead-letters")))
                    .findElements(By.cssSelector("tr[data-referral='" + referralId + "']")).isEmpty();
        });
    }

    private static WebElement waitFor(By by) {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(by));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not shown: " + by + " at " + browser.getCurrentUrl() + "; the page:\n" + browser.getPageSource(), e);
        }
    }

    private static void waitText(By by, String text) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    private static void assertNoPersonalData() {
        String page = browser.getPageSource();
        for (String personal : Hospital.PERSONAL_DATA) {
            assertFalse(page.contains(personal), personal);
        }
    }

    private static void shot(String name) throws IOException {
        Path png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, screenshots.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
