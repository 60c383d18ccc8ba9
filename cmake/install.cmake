# `cmake --install`: the binary, the header, the static and shared libraries,
# pkg-config and CMake package files, the packs with their tests, samples,
# docs and man pages; and `cpack -G DEB` for a Debian package of the same.
include(CMakePackageConfigHelpers)

set(RF_DATA ${CMAKE_INSTALL_DATADIR}/rosterflag)
set(RF_DOC ${CMAKE_INSTALL_DOCDIR})

if(TARGET rosterflag)
  install(TARGETS rosterflag RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
set(RF_LIB_TARGETS rosterflag_engine)
if(TARGET rosterflag_shared)
  list(APPEND RF_LIB_TARGETS rosterflag_shared)
endif()
install(TARGETS ${RF_LIB_TARGETS} EXPORT rosterflagTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/include/rosterflag.h ${CMAKE_BINARY_DIR}/include/rosterflag_version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# find_package(rosterflag): rosterflag::rosterflag (shared) and rosterflag::static.
install(EXPORT rosterflagTargets NAMESPACE rosterflag::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rosterflag)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/rosterflagConfig.cmake.in
  ${CMAKE_BINARY_DIR}/rosterflagConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rosterflag)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/rosterflagConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/rosterflagConfig.cmake
  ${CMAKE_BINARY_DIR}/rosterflagConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rosterflag)

# pkg-config: paths relative to the .pc file, so a prefix moved after
# installing (or `cmake --install --prefix`) still answers right.
file(RELATIVE_PATH RF_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(${CMAKE_SOURCE_DIR}/cmake/rosterflag.pc.in ${CMAKE_BINARY_DIR}/rosterflag.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/rosterflag.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules/ DESTINATION ${RF_DATA}/rules
  FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/samples/ DESTINATION ${RF_DATA}/samples
  FILES_MATCHING PATTERN "*.csv" PATTERN "README.md")
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${RF_DOC})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${RF_DOC}
  PATTERN "man" EXCLUDE)

# Man pages from their scdoc sources in docs/man/, built with the binary.
find_program(SCDOC scdoc)
if(RF_MAN AND SCDOC)
  set(RF_MAN_PAGES rosterflag.1 rosterflag-pack.5)
  set(RF_MAN_OUT)
  foreach(page ${RF_MAN_PAGES})
    string(REGEX MATCH "[0-9]$" section ${page})
    add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${SCDOC} < ${CMAKE_SOURCE_DIR}/docs/man/${page}.scd > ${CMAKE_BINARY_DIR}/man/${page}
      DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/${page}.scd VERBATIM)
    list(APPEND RF_MAN_OUT ${CMAKE_BINARY_DIR}/man/${page})
    install(FILES ${CMAKE_BINARY_DIR}/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  add_custom_target(rosterflag_man ALL DEPENDS ${RF_MAN_OUT})
elseif(RF_MAN)
  message(STATUS "scdoc not found: the man pages are not built (apt-get install scdoc)")
endif()

set(CPACK_PACKAGE_NAME rosterflag)
set(CPACK_PACKAGE_VENDOR "rosterflag")
set(CPACK_PACKAGE_CONTACT "rosterflag maintainers <rosterflag@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "rosterflag scores Party-member and village-committee rosters (CSV)
against published schemes written as YAML rule packs, and writes flags with
the reasons behind them. Includes the library, its header, pkg-config and
CMake files, the shipped packs and man pages.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# Depends: computed by dpkg-shlibdeps from what the binary and library link.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
include(CPack)
