package dev.fencedstate.spring.repository;

import dev.fencedstate.spring.FencedRepository;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Routes the calls of a repository proxy: default methods of the interface run as written, the methods of
 * {@link FencedRepository} go to the implementation, and {@code equals}, {@code hashCode} and {@code toString} behave
 * like those of any bean. The interface was checked at startup, so no other method can reach here.
 */
final class FencedRepositoryInvocationHandler implements InvocationHandler {

    private final Class<?> repositoryInterface;
    private final FencedRepository<?> target;
    private final Map<Method, Method> targetMethods = new ConcurrentHashMap<>();

    FencedRepositoryInvocationHandler(Class<?> repositoryInterface, FencedRepository<?> target) {
        this.repositoryInterface = repositoryInterface;
        this.target = target;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args != null && proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> repositoryInterface.getSimpleName() + "@" + target;
                default -> throw new IllegalStateException("Unexpected Object method " + method);
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        Method targetMethod = targetMethods.computeIfAbsent(method, FencedRepositoryInvocationHandler::repositoryMethod);
        try {
            return targetMethod.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Method repositoryMethod(Method method) {
        try {
            return FencedRepository.class.getMethod(method.getName(), method.getParameterTypes());
        } catch (NoSuchMethodException e) {
            // FencedRepositoryDefinition refuses such interfaces at startup; reaching here is a bug.
            throw new IllegalStateException("No FencedRepository method matches " + method, e);
        }
    }
}
