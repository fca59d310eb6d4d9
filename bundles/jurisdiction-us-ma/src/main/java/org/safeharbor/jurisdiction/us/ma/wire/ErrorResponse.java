package org.safeharbor.jurisdiction.us.ma.wire;

/**
 * The body of a 4xx answer, e.g. DCF's 400 for a report that does not validate:
 * {@code {"error":"..."}}. Holds no personal data: schema messages name paths, not values.
 *
 * @param error why the request was refused
 */
public record ErrorResponse(String error) {
}
