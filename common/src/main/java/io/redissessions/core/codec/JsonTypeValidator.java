package io.redissessions.core.codec;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * The JSON codec's polymorphic type validator: admits exactly the class names that its
 * {@link TypeNamePolicy} admits, judged by name before Jackson loads anything. Base types are
 * left undecided, so every subtype is judged individually.
 */
final class JsonTypeValidator extends PolymorphicTypeValidator.Base {
    private static final long serialVersionUID = 1L;

    private final transient TypeNamePolicy policy;

    JsonTypeValidator(TypeNamePolicy policy) {
        this.policy = policy;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        return policy.allows(subClassName) ? Validity.ALLOWED : Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return policy.allows(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
    }
}
