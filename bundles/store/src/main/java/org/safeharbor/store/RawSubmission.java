package org.safeharbor.store;

/** A submission as the hospital sent it, kept for reprocessing. */
public record RawSubmission(String body, String mediaType) {

    @Override
    public String toString() {
        return "RawSubmission[" + mediaType + ", " + (body == null ? 0 : body.length()) + " chars]";
    }
}
