/* Power State Coordination Interface (Arm DEN 0022), SMC32 function IDs. */
#ifndef ARM_PSCI_H
#define ARM_PSCI_H

#define PSCI_VERSION 0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

#endif
