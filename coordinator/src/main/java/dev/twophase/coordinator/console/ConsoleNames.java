package dev.twophase.coordinator.console;

/** Object names of the console's MXBeans, domain {@value #DOMAIN}. */
public final class ConsoleNames {

    public static final String DOMAIN = "dev.twophase";
    public static final String COORDINATOR = DOMAIN + ":type=Coordinator";
    public static final String PARTICIPANT_PATTERN = DOMAIN + ":type=Participant,name=*";

    private ConsoleNames() {
    }

    /** The object name of the participant with this unique resource name. */
    public static String participant(String name) {
        return DOMAIN + ":type=Participant,name=" + javax.management.ObjectName.quote(name);
    }
}
