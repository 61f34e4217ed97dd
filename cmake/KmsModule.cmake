# kms_add_module(NAME <m> KMD <file.kmd.json> [IMPORTS <kmd files>] [DEPENDS <module targets>]
#                SOURCES <hand-written Impl sources> [LIBRARIES <libs>])
#
# Generates the C++ of module <m> from its IDL into the build tree with kurento-module-creator
# and builds the module library `libkms<m>.so` (position independent, hardened) into the
# modules folder. The list of generated files is derived from the IDL at configure time.
#
# Used by the server's own modules and, installed with the SDK (find_package(KmsSdk)), by
# third-party modules: there DEPENDS names Kms::core / Kms::elements / Kms::filters and
# IMPORTS the IDL files in ${KMS_SDK_KMD_DIR}.
if(NOT DEFINED KMS_MODULE_CREATOR)
  set(KMS_MODULE_CREATOR $<TARGET_FILE:kurento-module-creator>)
  set(KMS_MODULE_CREATOR_DEPENDS kurento-module-creator)
endif()
if(NOT DEFINED KMS_MODULE_OUTPUT_DIR)
  set(KMS_MODULE_OUTPUT_DIR ${CMAKE_BINARY_DIR})
endif()
if(NOT DEFINED KMS_KMD_INSTALL_DIR)
  set(KMS_KMD_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/kurento/kmd)
endif()
if(NOT DEFINED KMS_MODULE_INSTALL_DIR)
  set(KMS_MODULE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/kurento/modules)
endif()
# Where a module finds the libraries it links at run time (the SDK and the modules it extends).
if(NOT DEFINED KMS_MODULE_RPATH)
  set(KMS_MODULE_RPATH ${KMS_LIB_OUTPUT_DIR})
endif()
function(kms_add_module)
  cmake_parse_arguments(M "" "NAME;KMD" "IMPORTS;DEPENDS;SOURCES;LIBRARIES" ${ARGN})
  get_filename_component(kmd_path ${M_KMD} ABSOLUTE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${kmd_path})
  file(READ ${kmd_path} kmd_text)
  # Re-configure when an Impl header appears or goes: it decides which classes are served.
  file(GLOB impl_headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*Impl.hpp)
  string(JSON class_count ERROR_VARIABLE json_error LENGTH "${kmd_text}" remoteClasses)
  if(json_error)
    message(FATAL_ERROR "${kmd_path}: cannot read remoteClasses: ${json_error}")
  endif()

  set(out ${CMAKE_CURRENT_BINARY_DIR}/generated)
  set(all_classes)
  set(generated ${out}/${M_NAME}Types.hpp ${out}/${M_NAME}Types.cpp ${out}/${M_NAME}Module.cpp)
  if(class_count GREATER 0)
    math(EXPR last "${class_count} - 1")
    foreach(i RANGE ${last})
      string(JSON class_name GET "${kmd_text}" remoteClasses ${i} name)
      list(APPEND all_classes ${class_name})
      string(JSON parent_name ERROR_VARIABLE no_parent GET "${kmd_text}" remoteClasses ${i} extends)
      if(no_parent)
        set(parent_of_${class_name} "")
      else()
        set(parent_of_${class_name} ${parent_name})
      endif()
    endforeach()
  endif()

  # A class is served when its Impl header exists and so do its ancestors' in this module.
  foreach(class_name ${all_classes})
    set(served TRUE)
    set(walk ${class_name})
    while(walk)
      list(FIND all_classes ${walk} in_module)
      if(in_module EQUAL -1)
        break()
      endif()
      if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/src/${walk}Impl.hpp)
        set(served FALSE)
        break()
      endif()
      set(walk ${parent_of_${walk}})
    endwhile()
    if(served)
      list(APPEND generated ${out}/${class_name}Base.hpp ${out}/${class_name}Base.cpp)
    endif()
  endforeach()

  set(import_args)
  foreach(import ${M_IMPORTS})
    get_filename_component(import_path ${import} ABSOLUTE)
    list(APPEND import_args --import-kmd ${import_path})
  endforeach()

  # The generator rewrites only files whose text changed, so a stamp records the run; without
  # it every build would run the generator again (the outputs keep their older times).
  set(stamp ${out}/${M_NAME}.stamp)
  add_custom_command(OUTPUT ${stamp}
    BYPRODUCTS ${generated}
    COMMAND ${KMS_MODULE_CREATOR} --generate-cpp --kmd ${kmd_path} ${import_args}
            --impl-dir ${CMAKE_CURRENT_SOURCE_DIR}/src --output ${out}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${kmd_path} ${M_IMPORTS} ${impl_headers} ${KMS_MODULE_CREATOR_DEPENDS}
    COMMENT "Generating C++ of module ${M_NAME} from ${M_KMD}"
    VERBATIM)

  set(target kms${M_NAME})
  list(FILTER generated INCLUDE REGEX "\\.cpp$")
  add_library(${target} SHARED ${generated} ${stamp} ${M_SOURCES})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${out}>
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/src>)
  target_link_libraries(${target} PUBLIC Kms::sdk ${M_DEPENDS} ${M_LIBRARIES})
  if(NOT DEFINED KMS_MODULE_LINK_OPTIONS)
    set(KMS_MODULE_LINK_OPTIONS -Wl,--no-undefined)
  endif()
  target_link_options(${target} PRIVATE ${KMS_MODULE_LINK_OPTIONS})
  set_target_properties(${target} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${KMS_MODULE_OUTPUT_DIR}
    BUILD_RPATH "$ORIGIN;${KMS_MODULE_RPATH}"
    INSTALL_RPATH "$ORIGIN;$ORIGIN/../..;${KMS_SDK_RPATH}"
    KMS_MODULE_KMD ${kmd_path})
  set_property(GLOBAL APPEND PROPERTY KMS_MODULE_TARGETS ${target})
  install(TARGETS ${target} LIBRARY DESTINATION ${KMS_MODULE_INSTALL_DIR})
  # What another module needs to extend this one's classes: its IDL, the hand-written and the
  # generated headers.
  install(FILES ${kmd_path} DESTINATION ${KMS_KMD_INSTALL_DIR})
  foreach(headers ${CMAKE_CURRENT_SOURCE_DIR}/src/ ${out}/)
    install(DIRECTORY ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kurento/modules/${M_NAME}
            FILES_MATCHING PATTERN "*.hpp")
  endforeach()
endfunction()
