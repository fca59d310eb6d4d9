package org.safeharbor.jurisdiction.us.tx;

/** A document of the Texas format that is not well-formed, has a DOCTYPE, or is not valid against the schema. */
public class InvalidDocumentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidDocumentException(String message) {
        super(message);
    }
}
