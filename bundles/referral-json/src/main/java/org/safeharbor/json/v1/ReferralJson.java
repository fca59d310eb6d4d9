package org.safeharbor.json.v1;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.osgi.annotation.versioning.ProviderType;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.SharedCode;

/**
 * Reads and writes the canonical {@link Referral} as JSON. Thread-safe; use the shared
 * {@link #INSTANCE}.
 */
@ProviderType
public final class ReferralJson {

    /** Media type of the message body on the referral queues. */
    public static final String MEDIA_TYPE = "application/vnd.safeharbor.referral.v1+json";

    /** Message header carrying the referral id, so consumers can de-duplicate without parsing. */
    public static final String HEADER_REFERRAL_ID = org.safeharbor.api.v1.DeliveryContract.REFERRAL_ID;

    /** Message header carrying the jurisdiction the message is queued for. */
    public static final String HEADER_JURISDICTION = org.safeharbor.api.v1.DeliveryContract.JURISDICTION;

    public static final ReferralJson INSTANCE = new ReferralJson();

    private final ObjectMapper mapper;

    private ReferralJson() {
        SimpleModule codes = new SimpleModule("safeharbor-shared-codes");
        // each enum's own lookup: AllegationType also reads its former codes, so referrals stored before a rename load
        sharedCode(codes, AllegationType.class, AllegationType::fromCode);
        sharedCode(codes, Certainty.class, Certainty::fromCode);
        sharedCode(codes, PerpetratorRelation.class, PerpetratorRelation::fromCode);
        sharedCode(codes, CaregiverRole.class, CaregiverRole::fromCode);
        codes.addSerializer(ReportSource.class, serializer(ReportSource::code));
        codes.addDeserializer(ReportSource.class, deserializer(ReportSource::fromCode));
        codes.addSerializer(CareStatus.class, serializer(CareStatus::code));
        codes.addDeserializer(CareStatus.class, deserializer(CareStatus::fromCode));
        codes.addSerializer(ReferralId.class, serializer(ReferralId::value));
        codes.addDeserializer(ReferralId.class, deserializer(ReferralId::new));
        codes.addSerializer(Jurisdiction.class, serializer(Jurisdiction::code));
        codes.addDeserializer(Jurisdiction.class, deserializer(Jurisdiction::of));
        mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(codes)
                // only record components: no derived values such as isReportable() on the wire
                .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    /** The referral as JSON. */
    public String write(Referral referral) {
        try {
            return mapper.writeValueAsString(referral);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A referral from JSON; throws {@link IllegalArgumentException} if it is not a valid referral. */
    public Referral read(String json) {
        try {
            return mapper.readValue(json, Referral.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Not a canonical referral: " + e.getClass().getSimpleName(), e);
        }
    }

    private static <E extends Enum<E> & SharedCode> void sharedCode(SimpleModule module, Class<E> type,
            java.util.function.Function<String, E> fromCode) {
        module.addSerializer(type, serializer(SharedCode::code));
        module.addDeserializer(type, deserializer(fromCode));
    }

    private static <T> JsonSerializer<T> serializer(java.util.function.Function<T, String> toText) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(toText.apply(value));
            }
        };
    }

    private static <T> JsonDeserializer<T> deserializer(java.util.function.Function<String, T> fromText) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                return fromText.apply(parser.getValueAsString());
            }
        };
    }
}
