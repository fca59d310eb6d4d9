package org.safeharbor.jurisdiction.us.ma.wire;

/**
 * DCF's answer to an accepted 51A report (201 Created, or 200 OK for a report it already has):
 * {@code {"intakeNumber":"MA-2026-000001"}}. A REFERENCE DESIGN.
 *
 * @param intakeNumber DCF's number for the report
 */
public record IntakeResponse(String intakeNumber) {
}
