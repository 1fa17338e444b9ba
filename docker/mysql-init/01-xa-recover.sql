-- Lets the application's user list prepared XA branches (MySQL 8.0.19+).
GRANT XA_RECOVER_ADMIN ON *.* TO 'twophase'@'%';
