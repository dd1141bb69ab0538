package dev.fencedstate.spring.repository;

import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedState;
import dev.fencedstate.spring.StoreNames;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.core.ResolvableType;

/**
 * A checked {@code @FencedState} interface: the store it names and the value type it stores. {@link #of(Class)} is
 * the only way to get one, and it refuses every interface that could fail later, at call time.
 *
 * @param repositoryInterface the annotated interface
 * @param storeName           the store named by {@link FencedState#value()}
 * @param valueType           the {@code T} of {@code FencedRepository<T>}, fully resolved
 */
public record FencedRepositoryDefinition(Class<?> repositoryInterface, String storeName, Type valueType) {

    public FencedRepositoryDefinition {
        Objects.requireNonNull(repositoryInterface, "repositoryInterface");
        Objects.requireNonNull(storeName, "storeName");
        Objects.requireNonNull(valueType, "valueType");
    }

    /**
     * Checks {@code type} and describes it.
     *
     * @throws InvalidFencedRepositoryException listing every problem, each with what to change
     */
    public static FencedRepositoryDefinition of(Class<?> type) {
        List<String> problems = new ArrayList<>();
        FencedState annotation = type.getAnnotation(FencedState.class);
        String storeName = annotation == null ? "" : annotation.value();
        if (annotation == null) {
            problems.add("it has no @FencedState annotation naming its store.");
        } else if (!StoreNames.isValid(storeName)) {
            problems.add("@FencedState(\"" + storeName + "\") is not a valid store name: use 1 to 64 lowercase letters, "
                    + "digits, '_' or '-', starting with a letter or digit.");
        }
        if (!type.isInterface() || type.isAnnotation()) {
            problems.add("it is a " + (type.isAnnotation() ? "annotation" : type.isEnum() ? "enum" : "class")
                    + "; put @FencedState on an interface that extends FencedRepository<T>: fencedstate implements it.");
            throw new InvalidFencedRepositoryException(type.getName(), problems);
        }
        if (!FencedRepository.class.isAssignableFrom(type)) {
            problems.add("it does not extend FencedRepository<T>; declare it as 'interface " + type.getSimpleName()
                    + " extends FencedRepository<YourValue>'.");
            throw new InvalidFencedRepositoryException(type.getName(), problems);
        }
        if (type.getTypeParameters().length > 0) {
            problems.add("it declares type parameters " + Arrays.toString(type.getTypeParameters())
                    + "; a repository must fix its value type, e.g. 'extends FencedRepository<Plan>'.");
        }
        ResolvableType value = ResolvableType.forClass(type).as(FencedRepository.class).getGeneric(0);
        Type valueType = value.getType();
        if (value.resolve() == null || valueType instanceof TypeVariable<?> || hasUnresolvedGenerics(value)) {
            problems.add("its value type is not known (raw FencedRepository, or a type variable); extend "
                    + "FencedRepository with a concrete type, e.g. 'extends FencedRepository<Plan>'.");
        }
        for (Method method : sorted(type.getMethods())) {
            if (method.getDeclaringClass() == FencedRepository.class || method.isDefault()
                    || Modifier.isStatic(method.getModifiers()) || redeclaresRepositoryMethod(method)) {
                continue;
            }
            problems.add("it declares '" + signature(method) + "', which fencedstate cannot implement: repositories "
                    + "have no query methods. Remove it, or make it a default method built on get, read or update.");
        }
        if (!problems.isEmpty()) {
            throw new InvalidFencedRepositoryException(type.getName(), problems);
        }
        return new FencedRepositoryDefinition(type, storeName, valueType);
    }

    private static boolean hasUnresolvedGenerics(ResolvableType type) {
        return type.hasUnresolvableGenerics();
    }

    private static boolean redeclaresRepositoryMethod(Method method) {
        try {
            FencedRepository.class.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException notARepositoryMethod) {
            return false;
        }
    }

    private static List<Method> sorted(Method[] methods) {
        return Arrays.stream(methods).sorted(Comparator.comparing(FencedRepositoryDefinition::signature)).toList();
    }

    private static String signature(Method method) {
        return method.getGenericReturnType().getTypeName().replaceAll("[\\w.]+\\.", "") + " " + method.getName()
                + Arrays.stream(method.getGenericParameterTypes())
                        .map(parameter -> parameter.getTypeName().replaceAll("[\\w.]+\\.", ""))
                        .collect(Collectors.joining(", ", "(", ")"));
    }
}
